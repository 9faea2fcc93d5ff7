import './tla.js';
