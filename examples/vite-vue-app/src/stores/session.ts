import { session } from '@/lib/api'

export function currentUser(): string {
  return session.user
}
