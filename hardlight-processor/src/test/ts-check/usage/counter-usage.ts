// Type-level tests of the generated counter module: state, events, topics.
import * as hl from '@hardlight/client';
import { type Counter_Event, type Counter_State, CounterClient, CounterService } from '../gen/counter/Counter.js';

export async function useCounter(url: string, ws: new (url: string, protocols?: string | string[]) => WebSocket): Promise<string> {
  const counter = await CounterClient.connect(url, { WebSocket: ws });
  const before: Counter_State = counter.state;
  const to: number = await counter.increment(2);
  const max: bigint = counter.state.limits.max;
  const weights: number[] = counter.state.limits.weights;
  const off = counter.onState((state, previous) => {
    console.log(state.count - previous.count, state.user ?? 'nobody', state.mode === 'COUNTING');
  });
  off();
  await counter.rename(null);
  const room: hl.Topic = await counter.join(hl.Topic.of('room-1'));
  for await (const event of counter.events()) {
    const e: Counter_Event = event.value;
    switch (e.$type) {
      case 'Incremented':
        return `${e.to} from ${e.from} in ${e.room.toString()} after ${event.missedBefore} missed`;
      case 'Renamed':
        return e.user ?? 'anonymous';
      case 'Reset':
        break;
    }
  }
  const initial: Counter_State | undefined = CounterService.state?.initial;
  await counter.close();
  return `${before.count} ${to} ${max} ${weights.length} ${room.toString()} ${initial?.count}`;
}

export function mistakes(counter: CounterClient): void {
  // @ts-expect-error the state is read-only
  counter.state.count = 3;
  // @ts-expect-error a long is a bigint
  const max: number = counter.state.limits.max;
  console.log(max);
}
