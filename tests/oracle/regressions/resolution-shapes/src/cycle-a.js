import './cycle-b.js';
