// Any scalar tag of the shown imported (TensorBoard) runs, charted on demand: a picker lists the tags
// the shown runs have, "Chart" adds a line chart of that tag (one line per shown run that has it), and
// each chart has a Remove button. The charted tags are view state (`scalarTags`, kept with setState);
// the dashboard tells the host (watchScalarTags), which sends their points and live points after them.
import type { ChartOptions } from 'chart.js';
import { button } from '../components/toolkit';
import { el, select } from '../components/native';
import { MAX_CHARTED_TAGS, scalarChartName, scalarTagChoices, withTag } from '../data/importedRuns';
import { stepAxis, valueAxis } from './chartjs';
import { RunLinesChart } from './runLines';
import type { ChartTestData, RunView, ViewContext } from './view';

/** One tag's chart: the shown runs that have the tag, one line each. */
class ScalarTagChart extends RunLinesChart {
  constructor(
    ctx: ViewContext,
    readonly tag: string,
    onRemove: () => void,
  ) {
    const own: ViewContext = { ...ctx, runs: () => ctx.runs().filter((r) => r.info?.imported?.scalarTags.includes(tag)) };
    super(scalarChartName(tag), tag, own, [
      { key: 'tag', series: 'loss', column: (d) => d.scalars.get(tag), label: (r: RunView) => r.label, style: () => ({ borderWidth: 1.5 }) },
    ]);
    this.card.root.dataset.tag = tag;
    this.card.root.classList.add('scalar-tag-card');
    this.card.controls.append(button('Remove', onRemove, { secondary: true, testId: 'scalar-tag-remove', title: `Stop charting ${tag}` }));
  }

  protected scales(): ChartOptions<'line'>['scales'] {
    const theme = this.ctx.theme();
    return { x: stepAxis(theme, 'linear'), y: valueAxis(theme, 'linear', this.tag) };
  }
}

export class ScalarTagsPanel {
  readonly name = 'scalar-tags';
  readonly element: HTMLElement;
  readonly minIntervalMs = 0;
  readonly heavy = true;
  private readonly picker: ReturnType<typeof select>;
  private readonly addButton: HTMLElement;
  private readonly grid: HTMLElement;
  private readonly charts = new Map<string, ScalarTagChart>();

  constructor(private readonly ctx: ViewContext) {
    this.element = el('section', { class: 'scalar-tags', 'data-testid': 'scalar-tags', hidden: '' });
    const header = el('div', { class: 'section-header' });
    this.picker = select([], '', () => {}, { testId: 'scalar-tag-picker', label: 'A scalar tag of the shown TensorBoard runs' });
    this.addButton = button('Chart', () => this.add(this.picker.value), { secondary: true, testId: 'scalar-tag-add', title: 'Chart this tag for the shown TensorBoard runs' });
    header.append(el('h2', {}, 'TensorBoard scalar tags'), this.picker, this.addButton);
    this.grid = el('div', { class: 'scalar-tag-grid' });
    this.element.append(header, this.grid);
  }

  /** The charted tags (view state). */
  tags(): string[] {
    return this.ctx.state().scalarTags ?? [];
  }

  private add(tag: string): void {
    if (tag) this.ctx.update({ scalarTags: withTag(this.tags(), tag) });
  }

  render(): void {
    const choices = scalarTagChoices(this.ctx.runs().map((r) => r.info));
    const tags = this.tags();
    // Shown when a shown run has scalar tags, or a tag is charted (its chart keeps its place).
    this.element.hidden = choices.length === 0 && tags.length === 0;
    const offered = choices.filter((t) => !tags.includes(t));
    this.picker.setOptions(
      offered.map((t) => ({ value: t, label: t })),
      offered.includes(this.picker.value) ? this.picker.value : (offered[0] ?? ''),
    );
    this.addButton.title = tags.length >= MAX_CHARTED_TAGS ? `At most ${MAX_CHARTED_TAGS} tags: adding one removes the oldest` : 'Chart this tag for the shown TensorBoard runs';
    for (const [tag, chart] of this.charts) {
      if (tags.includes(tag)) continue;
      chart.element.remove();
      this.charts.delete(tag);
    }
    tags.forEach((tag, i) => {
      let chart = this.charts.get(tag);
      if (!chart) {
        chart = new ScalarTagChart(this.ctx, tag, () => this.ctx.update({ scalarTags: this.tags().filter((t) => t !== tag) }));
        this.charts.set(tag, chart);
      }
      // In the order of `tags`; moved only when out of place (moving a canvas makes Chart.js resize it).
      if (this.grid.children[i] !== chart.element) this.grid.insertBefore(chart.element, this.grid.children[i] ?? null);
      chart.render();
    });
  }

  themeChanged(): void {
    for (const c of this.charts.values()) c.themeChanged();
  }

  /** A tag chart's test data, by chart name or by tag. */
  chartData(nameOrTag: string): ChartTestData | null {
    for (const c of this.charts.values()) if (c.name === nameOrTag || c.tag === nameOrTag) return { ...c.testData(), tag: c.tag };
    return null;
  }

  testData(): ChartTestData {
    const charts = [...this.charts.values()].map((c) => ({ ...c.testData(), tag: c.tag }));
    return {
      name: this.name,
      points: charts.reduce((n, c) => n + c.points, 0),
      lastStep: charts.reduce<number | null>((m, c) => (c.lastStep !== null && (m === null || c.lastStep > m) ? c.lastStep : m), null),
      series: charts.flatMap((c) => c.series.map((s) => ({ ...s, kind: c.tag }))),
      choices: scalarTagChoices(this.ctx.runs().map((r) => r.info)),
      tags: this.tags(),
    };
  }
}
