"""
How the reference matrix judges a case (``test_reference_matrix``): a control with Alpha's own object that must be
accepted, then each attack with an object of Beta or of the network, each in a savepoint that is rolled back.

An attack fails when it is stored (a record now holds the target), when it is not refused (a success, or records
written without the reference), when the answer shows private text of Beta or the label of a private target, when
it answers 500, and — for a private target — when its refusal reads otherwise than the refusal of a value that
names nothing. Naming an account is not refused (accounts belong to no city), but must change nothing of Beta's.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field, replace

from django.apps import apps

from .reference_paths import REQUIREMENT_TARGETS
from .reference_world import (
    UNKNOWN,
    Target,
    World,
    body_of,
    control,
    differences,
    encode,
    first_difference,
    holders,
    leaks,
    refusal,
    requirement_groups,
    rolled_back,
    snapshot,
    targets,
    unknown,
)
from .references import APP


@dataclass
class Case:
    """One field with one kind of target: Alpha's control value, the attacks, and a value that names nothing."""

    label: str
    names: str
    control: object
    attacks: list[tuple[Target, object]]
    unknown: object


def _nullable(writes: str | None) -> bool:
    if not writes:
        return False
    model_name, field_name = writes.split(".")
    model_field = apps.get_model(APP, model_name)._meta.get_field(field_name)
    return bool(getattr(model_field, "null", False)) and not model_field.many_to_many


def cases(exposure, world: World) -> list[Case]:
    """The cases of one exposure; a requirement target gives one case per kind of requirement."""
    if exposure.names != "requirement":
        found = targets(exposure.names, world, nullable=_nullable(exposure.writes))
        return [Case(exposure.names, exposure.names, encode(control(exposure.names, world, exposure.encoding),
                                                           exposure.encoding),
                     [(target, encode(target.obj, exposure.encoding)) for target in found], unknown(exposure.encoding))]
    wrap = {"groups": requirement_groups, "groups-json": lambda k, t: json.dumps(requirement_groups(k, t)),
            "requirement-target": lambda k, t: (k, t), "requirement-course": lambda k, t: (k, t)}[exposure.encoding]
    found = []
    for kind, names in REQUIREMENT_TARGETS.items():
        if names is None or (exposure.encoding == "requirement-course") != (names == "course"):
            continue  # the console types course keys in their own field; its target list offers the rest
        inner = "key" if names == "course" else "uuid"
        own = control(names, world, exposure.encoding)
        found.append(Case(str(kind), names, wrap(kind, own if isinstance(own, str) else encode(own, inner)),
                          [(_allowance(target), wrap(kind, encode(target.obj, inner)))
                           for target in targets(names, world)],
                          wrap(kind, UNKNOWN[inner])))
    return found


def _allowance(target: Target) -> Target:
    """ADR 0017 (``badges.targets``): a city's badge may require holding one of the network's active badges."""
    obj = target.obj
    if getattr(obj, "issuer_city_id", 0) is None and getattr(obj, "status", "") == "active":
        return replace(target, allowed="ADR 0017: the network's active badges may be required by a city's badge")
    return target


@dataclass
class Result:
    response: object = None
    error: str = ""
    changed: list = field(default_factory=list)  # the models whose records changed
    changed_beta: list = field(default_factory=list)  # ... counting only Beta's and the network's records
    stored: bool = False  # a record now holds the target in the field under test


def attempt(send, value, world: World, beta: bool = False, probe=None) -> Result:
    """
    Send one request in a savepoint that is rolled back, and see what it changed: the models, those of Beta's and
    the network's records (``beta``), and whether more records hold the target afterwards (``probe`` counts them).
    """
    city_b = world.beta.objects["city"]
    with rolled_back():
        before = snapshot()
        before_beta = snapshot(owner=city_b) if beta else None
        held = probe() if probe else 0
        try:
            response = send(value)
        except Exception as exc:  # pylint: disable=broad-except
            return Result(error=f"{type(exc).__name__}: {exc}")
        changed = differences(before, snapshot())
        changed_beta = differences(before_beta, snapshot(owner=city_b)) if beta and changed else []
        stored = bool(probe and changed and probe() > held)
    return Result(response=response, changed=changed, changed_beta=changed_beta, stored=stored)


def _excerpt(response, value) -> str:
    """What a refusal says (its error lists, for a page)."""
    return " ".join(refusal(response, value)[1].split())[:300]


def judge(where: str, case: Case, send, world: World, success, managers_only: bool = False,
          writes: str | None = None) -> list[str]:
    """The problems of one case: its control, then each attack (``writes``: the reference the field writes)."""
    problems = []
    own = attempt(send, case.control, world)
    if own.error:
        problems.append(f"{where} [{case.label}] with Alpha's own value raised {own.error}")
    elif managers_only:
        if own.response.status_code not in (403, 404) or own.changed:
            problems.append(f"{where} [{case.label}]: a network managers' operation answered a city admin "
                            f"{own.response.status_code}")
    elif not success(own.response):
        problems.append(f"{where} [{case.label}]: the control with Alpha's own value was refused "
                        f"({own.response.status_code}: {_excerpt(own.response, case.control)}); the matrix cannot "
                        f"judge it")
    nothing = None
    for target, value in case.attacks:
        label = f"{where} [{case.label}] with {target.label}"
        probe = (lambda obj=target.obj: holders(writes, obj)) if writes and case.names != "account" else None
        result = attempt(send, value, world, beta=case.names == "account", probe=probe)
        if result.error:
            problems.append(f"{label}: raised {result.error}")
            continue
        status = result.response.status_code
        body = body_of(result.response)
        if status >= 500:
            problems.append(f"{label}: answered {status}")
        if case.names == "account":
            if result.changed_beta:
                problems.append(f"{label}: changed Beta's or the network's records: {result.changed_beta} ({status})")
        elif target.allowed:
            pass  # a target the rule lets Alpha use (``Target.allowed`` says whose decision)
        elif result.stored:
            problems.append(f"{label}: was stored (answered {status}; changed {result.changed})")
        elif result.changed:
            problems.append(f"{label}: was not refused: answered {status} and wrote {result.changed}, though "
                            f"without storing the reference")
        elif success(result.response):
            problems.append(f"{label}: answered {status} as if accepted")
        shown = leaks(body, value, world, target)
        if shown:
            problems.append(f"{label}: answered {status} showing {shown}")
        if target.private and case.names != "account" and not result.changed:
            nothing = nothing or attempt(send, case.unknown, world)
            if nothing.response is not None:
                mine, other = refusal(result.response, value), refusal(nothing.response, case.unknown)
                if mine != other:
                    problems.append(f"{label}: refused unlike a value that names nothing ({mine[0]} vs {other[0]}: "
                                    f"{first_difference(mine[1], other[1])})")
    return problems


_OWN = object()


def try_exposure(where: str, exposure, world: World, send, success, tried: Counter, control=_OWN,
                 **options) -> list[str]:
    """
    Every case of one exposure through ``send(value)``; counts the attempts by the reference written. ``control``
    replaces Alpha's own object as the control, for a field whose change is refused whatever it names (the value the
    record holds must then be taken).
    """
    problems = []
    for case in cases(exposure, world):
        if control is not _OWN:
            case = replace(case, control=control)
        problems += judge(where, case, send, world, success, writes=exposure.writes, **options)
        tried[exposure.writes or exposure.field] += len(case.attacks)
    return problems


def api_success(response) -> bool:
    return 200 <= response.status_code < 300


def page_success(response) -> bool:
    return response.status_code == 302 and "/login" not in response.get("Location", "")


def report(problems: list[str], tried: Counter) -> str:
    return (f"{len(problems)} problem(s) in {sum(tried.values())} attempts ({dict(tried)}):\n" + "\n".join(problems))
