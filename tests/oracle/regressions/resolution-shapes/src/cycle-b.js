import './cycle-a.js';
import '@/via-alias';
