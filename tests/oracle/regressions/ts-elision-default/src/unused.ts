import { value } from './tla.js';
export {};
