// An agent that prints a numbered counter, one number a line, about a thousand lines a second,
// until it is ended: a gap or a repeat in what a viewer receives shows lost or doubled output.
let next = 1;
setInterval(() => {
  let lines = '';
  for (let index = 0; index < 5; index += 1) lines += `${next++}\n`;
  process.stdout.write(lines);
}, 5);
