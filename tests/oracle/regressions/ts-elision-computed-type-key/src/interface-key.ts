import { key } from './tla.js';
interface I { [key]: number }
