import 'reflect-metadata';
import { monitored } from '@otelkit/service';
import { createTestTelemetry } from '@otelkit/testing';

// What NestJS does: metadata on the method function (SetMetadata / guards) and, with
// emitDecoratorMetadata, design types on the prototype.
const Roles =
  (...roles: string[]): MethodDecorator =>
  (_target, _key, descriptor) => {
    Reflect.defineMetadata('roles', roles, descriptor.value as object);
  };

class Dto {
  id = '';
}

@monitored()
class OrdersController {
  @monitored({ logLevel: 'info' })
  @Roles('admin')
  create(dto: Dto, _n: number): string {
    return dto.id;
  }

  @Roles('user')
  list(): string[] {
    return [];
  }
}

describe('experimentalDecorators and reflect-metadata (NestJS style)', () => {
  const h = createTestTelemetry();
  afterAll(() => h.shutdown());

  it('keeps metadata on the wrapped method functions', () => {
    const c = new OrdersController();
    expect(Reflect.getMetadata('roles', c.create)).toEqual(['admin']);
    expect(Reflect.getMetadata('roles', c.list)).toEqual(['user']);
  });

  it('keeps design-time types emitted on the prototype', () => {
    expect(Reflect.getMetadata('design:paramtypes', OrdersController.prototype, 'create')).toEqual([
      Dto,
      Number,
    ]);
    expect(Reflect.getMetadata('design:returntype', OrdersController.prototype, 'create')).toBe(String);
  });

  it('still instruments the methods', () => {
    const c = new OrdersController();
    const dto = new Dto();
    dto.id = 'o-9';
    expect(c.create(dto, 1)).toBe('o-9');
    expect(c.list()).toEqual([]);
    expect(
      h
        .spans()
        .map((s) => s.name)
        .sort(),
    ).toEqual(['OrdersController.create', 'OrdersController.list']);
  });
});
