/**
 * The page the browser tests render the widgets on (tests/browser/test_mfe_widgets.py,
 * tests/cms/browser/test_mfe_course_widget.py): the real @edx/frontend-platform configured as a micro-frontend is,
 * its AxiosJwtAuthService against the live test host, and one widget inside an IntlProvider as the MFE's
 * AppProvider gives it. The query says which widget and where the LMS and Studio are:
 *   ?widget=course&courseId=...&courseName=...&lms=<url>&studio=<url>   or   ?widget=learner&lms=<url>
 */
import React from 'react';
import { createRoot } from 'react-dom/client';
import { getConfig, mergeConfig } from '@edx/frontend-platform';
import { AxiosJwtAuthService, configure as configureAuth } from '@edx/frontend-platform/auth';
import { IntlProvider } from '@edx/frontend-platform/i18n';

import { CourseCitiesWidget, LearnerBadgesWidget } from '../../src';

const query = new URLSearchParams(window.location.search);
const lms = query.get('lms');
mergeConfig({
  BASE_URL: window.location.origin,
  LMS_BASE_URL: lms,
  STUDIO_BASE_URL: query.get('studio') || lms,
  LOGIN_URL: `${lms}/login/`,
  LOGOUT_URL: `${lms}/logout/`,
  // tutor-mfe's MFE_CONFIG names these (openedx-lms-production-settings).
  REFRESH_ACCESS_TOKEN_ENDPOINT: `${lms}/login_refresh`,
  ACCESS_TOKEN_COOKIE_NAME: 'edx-jwt-cookie-header-payload',
  CSRF_TOKEN_API_PATH: '/csrf/api/v1/token',
});
window.widgetLog = [];
const loggingService = {
  logInfo: (message) => window.widgetLog.push(['info', String(message)]),
  logError: (error) => window.widgetLog.push(['error', String(error?.message || error)]),
};
configureAuth(AxiosJwtAuthService, { loggingService, config: getConfig() });

const widget = query.get('widget') === 'course'
  ? <CourseCitiesWidget courseId={query.get('courseId')} courseName={query.get('courseName') || ''} />
  : <LearnerBadgesWidget />;
createRoot(document.getElementById('sidebar')).render(
  <IntlProvider locale="en" messages={{}}>{widget}</IntlProvider>,
);
