import { value } from './tla.js';
export const x = typeof value;
