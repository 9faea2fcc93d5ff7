import { value } from './tla.js';
value: for (;;) break value;
