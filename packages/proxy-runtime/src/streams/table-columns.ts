import { hasColumns, type KubeTable } from './kube-table.js';

/**
 * The column definitions of one Table watch, until its client has them. The apiserver sends them on
 * the first event of a watch only; when the filter drops that event (another subset's object), the
 * first event the client gets would have none, and kubectl (`get -w --watch-only`) could print no
 * columns. So the first Table the client gets carries the columns the apiserver sent.
 */
export class TableColumns {
  #known: readonly unknown[] | undefined = undefined;
  #sent = false;

  /** Remembers the columns of a Table from the apiserver (the first that has any). */
  saw(table: KubeTable): void {
    if (this.#known === undefined && hasColumns(table)) this.#known = table.columnDefinitions ?? [];
  }

  /**
   * The Table to send in place of `table` when it must carry the remembered columns; undefined when
   * `table` goes as it is (the client has columns, or none are known).
   */
  toSend(table: KubeTable): KubeTable | undefined {
    if (this.#sent) return undefined;
    this.#sent = true;
    if (hasColumns(table) || this.#known === undefined) return undefined;
    return { ...table, columnDefinitions: this.#known };
  }
}
