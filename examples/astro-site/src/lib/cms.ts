export interface Post {
  slug: string;
  title: string;
}

async function loadPosts(): Promise<Post[]> {
  // stands in for a request to a headless CMS
  return [{ slug: 'hello', title: 'Hello' }];
}

// A top-level await: the pages that import this module wait for it when they are first loaded.
export const posts = await loadPosts();
