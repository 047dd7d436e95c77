// The two names env.config.jsx takes from @openedx/frontend-plugin-framework, with that package's values
// (src/plugins/data/constants.js); the whole package needs Paragon, which the slots' test does not.
export const DIRECT_PLUGIN = 'DIRECT_PLUGIN';
export const PLUGIN_OPERATIONS = { Insert: 'insert', Hide: 'hide', Modify: 'modify', Wrap: 'wrap' };
