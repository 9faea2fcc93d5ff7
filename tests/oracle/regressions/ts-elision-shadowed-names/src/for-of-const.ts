import { value } from './tla.js';
for (const value of []) { void value; }
