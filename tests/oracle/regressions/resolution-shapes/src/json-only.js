import data from './data.json' with { type: 'json' };
const later = () => import('./via-dir.js');
export default data;
