/**
 * An input the command cannot use at all (a file that cannot be read, a VirtualApp that does not
 * validate where one is needed): the command stops and exits with `EXIT.input`.
 */
export class InputError extends Error {
  override readonly name = 'InputError';
}
