/**
 * The widgets' words, as react-intl messages like every micro-frontend's (their Lithuanian and other translations
 * are the MFE's; see docs/decisions/0014-mfe-widgets.md).
 */
import { defineMessages } from '@edx/frontend-platform/i18n';

const messages = defineMessages({
  courseHeading: {
    id: 'citiesNetwork.course.heading',
    defaultMessage: 'Cities of Learning',
    description: 'Heading of the course outline sidebar widget: the cities and badges of the course.',
  },
  cities: {
    id: 'citiesNetwork.course.cities',
    defaultMessage: 'Shown in',
    description: 'Heading of the list of cities the course is shown in.',
  },
  owner: {
    id: 'citiesNetwork.course.owner',
    defaultMessage: '(manages the course)',
    description: 'After the name of the city whose organisation owns the course.',
  },
  badges: {
    id: 'citiesNetwork.course.badges',
    defaultMessage: 'Badges it counts towards',
    description: 'Heading of the list of badges the course counts towards.',
  },
  noBadges: {
    id: 'citiesNetwork.course.noBadges',
    defaultMessage: 'No active badge counts {courseName} yet.',
    description: 'Shown instead of the list when no active badge counts the course.',
  },
  openConsole: {
    id: 'citiesNetwork.course.openConsole',
    defaultMessage: 'The course in the city console',
    description: 'Link to the course page of the city console.',
  },
  tagCities: {
    id: 'citiesNetwork.course.tagCities',
    defaultMessage: 'Tag cities',
    description: 'Link to the console form where a city team chooses the cities that show the course.',
  },
  courseError: {
    id: 'citiesNetwork.course.error',
    defaultMessage: 'The cities and badges of this course could not be loaded. Try again later.',
    description: 'Shown when the cities network API did not answer.',
  },
  loading: {
    id: 'citiesNetwork.loading',
    defaultMessage: 'Loading…',
    description: 'Shown while a widget waits for the API.',
  },
  learnerHeading: {
    id: 'citiesNetwork.learner.heading',
    defaultMessage: 'My badges',
    description: 'Heading of the learner dashboard widget.',
  },
  latest: {
    id: 'citiesNetwork.learner.latest',
    defaultMessage: 'Latest badges',
    description: 'Heading of the learner\'s latest awards.',
  },
  underWay: {
    id: 'citiesNetwork.learner.underWay',
    defaultMessage: 'Badges under way',
    description: 'Heading of the badges the learner is working towards.',
  },
  progress: {
    id: 'citiesNetwork.learner.progress',
    defaultMessage: '{met} of {total} requirements met',
    description: 'Progress towards a badge.',
  },
  expired: {
    id: 'citiesNetwork.learner.expired',
    defaultMessage: 'expired',
    description: 'After an award that has expired.',
  },
  revoked: {
    id: 'citiesNetwork.learner.revoked',
    defaultMessage: 'revoked',
    description: 'After an award that was revoked.',
  },
  noBadgesYet: {
    id: 'citiesNetwork.learner.empty',
    defaultMessage: 'No badges yet. Complete a course or take part in an activity of your city to earn one.',
    description: 'Shown when the learner has no award and no badge under way.',
  },
  wallet: {
    id: 'citiesNetwork.learner.wallet',
    defaultMessage: 'All my badges',
    description: 'Link to the learner\'s badge wallet in the LMS.',
  },
  learnerError: {
    id: 'citiesNetwork.learner.error',
    defaultMessage: 'Your badges could not be loaded. Try again later.',
    description: 'Shown when the cities network API did not answer.',
  },
});

export default messages;
