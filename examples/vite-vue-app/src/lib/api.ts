// The session is fetched while the module loads: every module that imports this one waits.
export interface Session {
  user: string
}

const response = await fetch('/api/session')
export const session: Session = await response.json()
