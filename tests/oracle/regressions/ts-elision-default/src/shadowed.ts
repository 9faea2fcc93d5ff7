import { value } from './tla.js';
export function f(value: number) { return value; }
