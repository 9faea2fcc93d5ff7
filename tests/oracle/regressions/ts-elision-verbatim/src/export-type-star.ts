export type * from './tla.js';
