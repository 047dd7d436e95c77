/**
 * Studio's course outline sidebar (slot org.openedx.frontend.authoring.course_outline_sidebar.v1, props courseId
 * and courseName): the course's cities and the badges it counts towards, each linked into the city console, and
 * "Tag cities" for whoever the console lets choose the course's cities. It shows nothing to someone none of whose
 * cities has the course (the API answers 404, as the console does).
 */
import React from 'react';
import PropTypes from 'prop-types';
import { useIntl } from '@edx/frontend-platform/i18n';

import { fetchCourse } from './api';
import messages from './messages';
import useLoaded, { ERROR, LOADING } from './useLoaded';

function Frame({ children }) {
  const { formatMessage } = useIntl();
  const heading = 'cities-network-course-heading'; // one per page: React 17 MFEs have no useId
  return (
    <section className="cities-network-widget cities-network-course card mb-3" aria-labelledby={heading}>
      <div className="card-body">
        <h3 className="h4" id={heading}>{formatMessage(messages.courseHeading)}</h3>
        {children}
      </div>
    </section>
  );
}

Frame.propTypes = { children: PropTypes.node.isRequired };

export default function CourseCitiesWidget({ courseId, courseName }) {
  const { formatMessage } = useIntl();
  const { status, data: course } = useLoaded(() => fetchCourse(courseId), courseId);
  if (status === LOADING) {
    return <Frame><p role="status">{formatMessage(messages.loading)}</p></Frame>;
  }
  if (status === ERROR) {
    return <Frame><p role="alert">{formatMessage(messages.courseError)}</p></Frame>;
  }
  if (course === null) {
    return null;
  }
  return (
    <Frame>
      <h4 className="h5">{formatMessage(messages.cities)}</h4>
      <ul className="list-unstyled cities-network-cities">
        {course.cities.map((city) => (
          <li key={city.slug} className="py-1">
            <a href={city.console_url}>{city.name}</a>
            {city.owner && <> {formatMessage(messages.owner)}</>}
          </li>
        ))}
      </ul>
      <h4 className="h5">{formatMessage(messages.badges)}</h4>
      {course.badges.length > 0 ? (
        <ul className="list-unstyled cities-network-badges">
          {course.badges.map((badge) => (
            <li key={badge.uuid} className="py-1">
              {badge.console_url ? <a href={badge.console_url}>{badge.name}</a> : badge.name}
              {' '}<span className="small">· {badge.issuer}</span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="cities-network-no-badges">
          {formatMessage(messages.noBadges, { courseName: courseName || course.title })}
        </p>
      )}
      <p className="mb-0">
        <a href={course.console_url}>{formatMessage(messages.openConsole)}</a>
        {course.can_tag && (
          <>
            {' '}
            <a className="btn btn-outline-primary btn-sm cities-network-tag" href={course.tag_url}>
              {formatMessage(messages.tagCities)}
            </a>
          </>
        )}
      </p>
    </Frame>
  );
}

CourseCitiesWidget.propTypes = {
  courseId: PropTypes.string.isRequired,
  courseName: PropTypes.string,
};

CourseCitiesWidget.defaultProps = { courseName: '' };
