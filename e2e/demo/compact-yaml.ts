import { Document, isCollection, visit } from 'yaml';

/**
 * YAML with every collection that fits in `width` characters written on one line (flow style),
 * so that a VirtualApp reads in a dozen lines rather than thirty.
 */
export function compactYaml(value: unknown, width = 72): string {
  const document = new Document(value);
  visit(document, {
    Collection(_, node) {
      if (isCollection(node) && JSON.stringify(node.toJSON()).length <= width) node.flow = true;
    },
  });
  return document.toString({ lineWidth: 0 });
}
