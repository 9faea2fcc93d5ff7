export * from '@/via-dir.js';
