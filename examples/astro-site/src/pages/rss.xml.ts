import { posts } from '../lib/cms';

export function GET() {
  return new Response(posts.map((p) => p.title).join('\n'));
}
