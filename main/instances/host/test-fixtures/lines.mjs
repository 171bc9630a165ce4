// An agent that prints `line 1` … `line N` (N from its first argument), then `done`, and waits.
const count = Number(process.argv[2] ?? 10000);
let text = '';
for (let line = 1; line <= count; line += 1) text += `line ${line} ${'.'.repeat(60)}\n`;
process.stdout.write(`${text}done\n`);
setInterval(() => {}, 60_000);
