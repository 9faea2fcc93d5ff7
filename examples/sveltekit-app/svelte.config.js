/** @type {import('@sveltejs/kit').Config} */
const config = {
  kit: {
    alias: {
      '@ui': 'src/lib/components',
    },
  },
};

export default config;
