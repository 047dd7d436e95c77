/**
 * The learner dashboard's sidebar (slot org.openedx.frontend.learner_dashboard.widget_sidebar.v1): the learner's
 * latest badges and the badges under way, with the wallet one link away, whatever the API answered.
 */
import React from 'react';
import { useIntl } from '@edx/frontend-platform/i18n';

import { fetchLearnerBadges, walletUrl } from './api';
import messages from './messages';
import useLoaded, { ERROR, LOADING } from './useLoaded';

export default function LearnerBadgesWidget() {
  const { formatMessage } = useIntl();
  const heading = 'cities-network-learner-heading'; // one per page: React 17 MFEs have no useId
  const { status, data } = useLoaded(fetchLearnerBadges, 'me');
  let body;
  if (status === LOADING) {
    body = <p role="status">{formatMessage(messages.loading)}</p>;
  } else if (status === ERROR) {
    body = <p role="alert">{formatMessage(messages.learnerError)}</p>;
  } else if (data.awards.length === 0 && data.progress.length === 0) {
    body = <p className="cities-network-no-badges">{formatMessage(messages.noBadgesYet)}</p>;
  } else {
    body = (
      <>
        {data.awards.length > 0 && (
          <>
            <h4 className="h5">{formatMessage(messages.latest)}</h4>
            <ul className="list-unstyled cities-network-awards">
              {data.awards.map((award) => (
                <li key={award.uuid} className="py-1">
                  <a href={award.public_url}>{award.badge_name}</a>
                  {' '}<span className="small">· {award.issuer}</span>
                  {award.status !== 'valid' && <> ({formatMessage(messages[award.status])})</>}
                </li>
              ))}
            </ul>
          </>
        )}
        {data.progress.length > 0 && (
          <>
            <h4 className="h5">{formatMessage(messages.underWay)}</h4>
            <ul className="list-unstyled cities-network-progress">
              {data.progress.map((row) => {
                const words = formatMessage(messages.progress, {
                  met: row.requirements_met, total: row.requirements_total,
                });
                return (
                  <li key={row.badge_class} className="py-1">
                    {row.badge_name}
                    <br />
                    <progress value={row.requirements_met} max={row.requirements_total || 1}
                              aria-label={`${row.badge_name}: ${words}`} />
                    {' '}<span className="small">{words}</span>
                  </li>
                );
              })}
            </ul>
          </>
        )}
      </>
    );
  }
  return (
    <section className="cities-network-widget cities-network-learner card mb-3" aria-labelledby={heading}>
      <div className="card-body">
        <h3 className="h4" id={heading}>{formatMessage(messages.learnerHeading)}</h3>
        {body}
        <p className="mb-0"><a href={walletUrl()}>{formatMessage(messages.wallet)}</a></p>
      </div>
    </section>
  );
}
