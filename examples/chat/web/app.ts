// The chat page: the TypeScript client generated from the Java contract (Chat.java), bundled with
// the HardLight runtime by esbuild. The page is served by the chat server itself, so the endpoint is
// on the page's own origin, which the server's default origin check allows.
import { ChatClient, RoomFullException, InvalidNameException, type ChatEvent, type ChatState } from '@generated/Chat.js';
import { RpcError, Status } from '@hardlight/client';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const status = $('status');
const history = new Map<string, HTMLLIElement[]>(); // room -> rendered lines
let current = '';
let chat: ChatClient;
// What this page signed in as and joined: a new connection (after the server restarted, say) starts
// signed out with no rooms, so the page signs in and joins again (restore, below).
let myName = '';
const joined: string[] = [];

function show(message: string): void {
  status.textContent = message;
}

function explain(e: unknown): string {
  if (e instanceof RoomFullException || e instanceof InvalidNameException) {
    return e.message; // the server's own words, e.g. "room lobby is full (20 members)"
  }
  if (e instanceof RpcError) {
    return `${Status[e.status] ?? e.status}: ${e.message}`;
  }
  return String(e);
}

function line(room: string, li: HTMLLIElement): void {
  const lines = history.get(room) ?? [];
  lines.push(li);
  history.set(room, lines);
  if (room === current) {
    $('messages').append(li);
  }
}

function render(e: ChatEvent): void {
  const li = document.createElement('li');
  switch (e.$type) {
    case 'Message': {
      const from = document.createElement('span');
      from.className = 'from';
      from.textContent = e.from;
      const time = document.createElement('time');
      time.textContent = e.at.toDate().toLocaleTimeString();
      li.append(from, document.createTextNode(e.text), time);
      line(e.room, li);
      break;
    }
    case 'Presence': {
      li.className = 'presence';
      li.textContent = `${e.user} ${e.present ? 'joined' : 'left'} ${e.room}`;
      line(e.room, li);
      presence(e.room, e.user, e.present);
      break;
    }
  }
}

const members = new Map<string, Set<string>>();

function presence(room: string, user: string, present: boolean): void {
  const here = members.get(room) ?? new Set<string>();
  if (present) here.add(user);
  else here.delete(user);
  members.set(room, here);
  if (room === current) {
    drawMembers();
  }
}

function drawMembers(): void {
  const ul = $('members');
  ul.replaceChildren(...[...(members.get(current) ?? [])].sort().map((m) => {
    const li = document.createElement('li');
    li.textContent = m;
    return li;
  }));
}

function select(room: string): void {
  current = room;
  $('messages').replaceChildren(...(history.get(room) ?? []));
  drawRooms(chat.state);
  drawMembers();
}

function drawRooms(s: ChatState): void {
  $('me').textContent = s.user ? `signed in as ${s.user}` : 'not signed in';
  $('rooms').replaceChildren(...s.rooms.map((r) => {
    const li = document.createElement('li');
    li.textContent = r;
    li.className = r === current ? 'current' : '';
    li.onclick = () => select(r);
    return li;
  }));
}

// After a reconnect the server knows nothing of this page: the new connection's state is empty and
// its "member" feature is off. Sign in and join the rooms again, as the page did before.
async function restore(): Promise<void> {
  if (!myName) {
    return;
  }
  try {
    await chat.login(myName);
    for (const room of joined) {
      members.set(room, new Set(await chat.join(room)));
    }
    drawMembers();
    show(`connected again: signed in as ${myName}` + (joined.length ? `, back in ${joined.join(', ')}` : ''));
  } catch (e) {
    show(`connected again, but: ${explain(e)}`);
  }
}

async function main(): Promise<void> {
  chat = await ChatClient.connect(`wss://${location.host}/hl`, {
    reconnect: true,
    onConnectionEvent: (e) => {
      $('connection').textContent = e.type === 'connected' ? 'connected' : e.type;
      if (e.type === 'connected' && e.reconnected) {
        void restore();
      }
    },
  });
  $('connection').textContent = 'connected';
  chat.client.onEvent((e) => render(e.value));
  chat.client.onState((s) => drawRooms(s));

  $('login-form').onsubmit = async (ev) => {
    ev.preventDefault();
    try {
      myName = await chat.login($<HTMLInputElement>('name').value.trim());
      $('login-form').hidden = true;
      $('chat').hidden = false;
      show('');
    } catch (e) {
      show(explain(e));
    }
  };
  $('join-form').onsubmit = async (ev) => {
    ev.preventDefault();
    const room = $<HTMLInputElement>('room').value.trim();
    try {
      const here = await chat.join(room);
      if (!joined.includes(room)) {
        joined.push(room);
      }
      members.set(room, new Set(here));
      select(room);
      show('');
    } catch (e) {
      show(explain(e));
    }
  };
  $('send-form').onsubmit = async (ev) => {
    ev.preventDefault();
    const input = $<HTMLInputElement>('text');
    if (!current) {
      show('join a room first');
      return;
    }
    try {
      if (await chat.send(current, input.value)) {
        input.value = '';
        show('');
      } else {
        show(`you are not in ${current}`);
      }
    } catch (e) {
      show(explain(e));
    }
  };
  document.body.dataset.ready = 'true';
}

main().catch((e) => show(`cannot connect: ${explain(e)}`));
