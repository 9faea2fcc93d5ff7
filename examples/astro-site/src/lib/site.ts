export const SITE_TITLE = 'Notes';
