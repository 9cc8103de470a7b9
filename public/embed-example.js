// The example course page's script: listen to the widget's events and send it commands.
const lab = document.getElementById('lab');
const log = document.getElementById('log');

function note(text) {
  const li = document.createElement('li');
  li.textContent = text; // never markup: what the widget says is text
  log.append(li);
}

for (const name of ['ready', 'commandRun', 'pingResult', 'stepCompleted', 'lessonCompleted', 'labChanged', 'answered']) {
  lab.addEventListener(`hoplab:${name}`, (e) => note(`${name} ${JSON.stringify(e.detail)}`));
}

const commands = {
  runCommand: () => lab.send('runCommand', { on: 'node01', line: 'ping -c 1 10.244.2.2' }),
  getLab: () => lab.send('getLab').then((r) => `a lab of ${r.lab.ops.length} changes on ${r.lab.preset}`),
  reset: () => lab.send('reset'),
  loadLab: () => lab.send('loadLab', { lab: 'routed' }),
};

for (const button of document.querySelectorAll('[data-command]')) {
  const name = button.dataset.command;
  button.addEventListener('click', async () => {
    try {
      const r = await commands[name]();
      note(`answer to ${name}: ${typeof r === 'string' ? r : JSON.stringify(r)}`);
    } catch (e) {
      note(`${name} refused: ${e.message}`);
    }
  });
}
