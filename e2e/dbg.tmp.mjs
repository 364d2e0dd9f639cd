import { setup } from './lib/popup.mjs';
const t = await setup();
t.popup.on('console', (m) => console.log('console:', m.text()));
t.popup.on('pageerror', (e) => console.log('pageerror:', e.message));
await t.popup.click('#nav-configure');
await new Promise((r) => setTimeout(r, 2000));
console.log(await t.popup.innerHTML('#view'));
console.log('status:', await t.popup.textContent('#status'));
await t.close();
