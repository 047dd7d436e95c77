/**
 * cities-network-plugin's widgets for the micro-frontends' plugin slots. The Tutor plugin copies this folder
 * next to each MFE's env.config.jsx and inserts the widgets into their slots (tutorcitiesnetwork/plugin.py).
 */
export { default as CourseCitiesWidget } from './CourseCitiesWidget';
export { default as LearnerBadgesWidget } from './LearnerBadgesWidget';
