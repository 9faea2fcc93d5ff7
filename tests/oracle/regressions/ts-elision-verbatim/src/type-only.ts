import type { T } from './tla.js';
export const x: T = 1;
