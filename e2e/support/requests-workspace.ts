/** The requests folder and the two instances the board and the Plan screen e2e tests work with. */
export const DIR = 'docs/cross-instance-prs';
export const LANES_YML = `instances:
  - name: VSCode
    role: frontend
    zones: [lib/]
  - name: Windows
    role: backend
    zones: [docs/, supabase/migrations/]
`;
