/** The field report's three instances and their zones, in lanes.yml form (unit and e2e tests). */
export const FIELD_REPORT_CONFIG = `# The field report's split
instances:
  - name: VSCode
    role: frontend
    zones: [lib/, supabase/functions/]
  - name: Windows
    role: backend
    zones: [docs/, supabase/migrations/]
  - name: PowerShell
    role: devops
    zones: [.github/workflows/]
`;
