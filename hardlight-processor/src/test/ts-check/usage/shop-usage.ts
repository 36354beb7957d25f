// Type-level tests of the generated shop module: what a user writes compiles, what is wrong does not.
import * as hl from '@hardlight/client';
import { type Item, ItemCodec, OutOfStock, type Shape, ShopClient, ShopService } from '../gen/shop/Shop.js';

export async function useShop(url: string): Promise<number> {
  const shop = await ShopClient.connect(url, { reconnect: true, defaultDeadline: 5000 });
  const item: Item = await shop.find('apple', { deadline: 1000 });
  const all: Item[] = await shop.all();
  await shop.paint({ $type: 'Circle', radius: 2 }, null);
  await shop.paint({ $type: 'Square', side: 1 }, 'RED', { signal: AbortSignal.timeout(100) });
  let left = 0;
  try {
    left = await shop.restock('apple', 3);
  } catch (e) {
    if (e instanceof OutOfStock) {
      const status: hl.Status = e.status;
      return e.message.length + status;
    }
    throw e;
  }
  const features: ReadonlySet<string> = shop.client.features;
  await shop.close();
  return item.count + all.length + left + features.size + ShopService.methods.length;
}

export function area(s: Shape): number {
  switch (s.$type) {
    case 'Circle':
      return Math.PI * s.radius ** 2;
    case 'Square':
      return s.side * s.side;
  }
}

export function roundTrip(item: Item): Item {
  const w = new hl.Writer();
  ItemCodec.encode(w, item);
  return ItemCodec.decode(new hl.Reader(w.finish()));
}

export async function mistakes(shop: ShopClient): Promise<void> {
  // @ts-expect-error a circle has no side
  await shop.paint({ $type: 'Circle', side: 1 }, null);
  // @ts-expect-error YELLOW is no constant of shop.Color
  await shop.paint({ $type: 'Square', side: 1 }, 'YELLOW');
  // @ts-expect-error color is @Nullable, not optional: it must be given
  await shop.paint({ $type: 'Square', side: 1 });
  // @ts-expect-error count is an int: a number, not a bigint
  await shop.restock('apple', 3n);
}
