import { type ComponentProps, createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { DataTable } from './DataTable';

const row = createElement('tr', null, createElement('td', null, 'row'));
const render = (props: Omit<ComponentProps<typeof DataTable>, 'children'>) =>
  renderToStaticMarkup(createElement(DataTable, props as ComponentProps<typeof DataTable>, row));

describe('DataTable', () => {
  it('frames the rows under a caption and one column header each', () => {
    expect(render({ caption: 'Plans', columns: ['Plan', 'Price'] })).toBe(
      '<div class="table-wrap"><table class="table"><caption class="visually-hidden">Plans</caption>' +
        '<thead><tr><th scope="col">Plan</th><th scope="col">Price</th></tr></thead>' +
        '<tbody><tr><td>row</td></tr></tbody></table></div>',
    );
  });

  it('adds a row-actions column only screen readers name, extra classes and a test id', () => {
    const html = render({
      caption: 'Keys',
      columns: ['Name'],
      actions: 'Actions',
      className: 'records',
      testId: 'keys',
    });
    expect(html).toContain('<table class="table records" data-testid="keys">');
    expect(html).toContain(
      '<th scope="col">Name</th><th scope="col"><span class="visually-hidden">Actions</span></th>',
    );
  });
});
