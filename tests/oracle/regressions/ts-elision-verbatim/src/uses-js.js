import { value } from './tla.js';
