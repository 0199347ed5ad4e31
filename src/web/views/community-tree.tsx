import type { ActorRow } from "../../domain/actors.ts";
import type { CommunitySummary } from "../../domain/communities.ts";
import { type ChildCommunity, orderAsTree } from "../../domain/community-tree.ts";
import { STAGES, type Stage, stageInfo } from "../../domain/lifecycle.ts";
import { communityPagePath } from "../../domain/paths.ts";
import { cx } from "./components/classes.ts";
import { Button, ButtonLink, ErrorMessage, Table, Tag, type TagColour } from "./components.tsx";
import { ScrollRegion } from "./scroll-region.tsx";

// Where a community sits: the chain of communities above it, its lifecycle stage and its
// sub-communities, shown on its page and in "All communities".

/** What a community page shows about the community's place in the tree and its life. */
export interface Lineage {
  /** The communities above it, outermost first. */
  ancestors: ActorRow[];
  children: ChildCommunity[];
  /** Its lifecycle stage; only communities hosted here have one. */
  stage: Stage | undefined;
}

// Each stage has its own colour, but the stage is always written out: colour only decorates.
const STAGE_COLOURS: Record<Stage, TagColour | undefined> = {
  planning: "grey",
  "start-up": undefined,
  nurture: "green",
  sustain: "turquoise",
  closedown: "orange",
};

function pathOf(group: ActorRow): string {
  return communityPagePath(group.handle, group.isLocal ? undefined : group.host);
}

/** A lifecycle stage as a tag with the stage in words. */
export function StageTag(props: { stage: Stage }) {
  return <Tag colour={STAGE_COLOURS[props.stage]}>{stageInfo(props.stage).label}</Tag>;
}

/** "Part of …" (with the whole chain for deep trees) and the lifecycle stage with its meaning. */
export function CommunityPlace(props: { lineage: Lineage | undefined }) {
  const lineage = props.lineage;
  if (!lineage) return null;
  const above = [...lineage.ancestors].reverse();
  const [parent, ...further] = above;
  return (
    <>
      {parent ? (
        <p class="govuk-body" id="community-parent">
          Part of{" "}
          <a class="govuk-link" href={pathOf(parent)}>
            {parent.name}
          </a>
          {further.map((a) => (
            <>
              , in{" "}
              <a class="govuk-link" href={pathOf(a)}>
                {a.name}
              </a>
            </>
          ))}
        </p>
      ) : null}
      {lineage.stage ? (
        <div class="govuk-body">
          <p class="govuk-body govuk-!-margin-bottom-1">
            Stage: <StageTag stage={lineage.stage} />
          </p>
          <p class="govuk-hint">{stageInfo(lineage.stage).hint}</p>
        </div>
      ) : null}
    </>
  );
}

/** The community's sub-communities, and the way to create one for its facilitators. */
export function SubCommunities(props: {
  lineage: Lineage | undefined;
  path: string;
  canCreate: boolean;
}) {
  const children = props.lineage?.children ?? [];
  if (children.length === 0 && !props.canCreate) return null;
  return (
    <>
      <h2 class="govuk-heading-m">Sub-communities</h2>
      {children.length === 0 ? (
        <p class="govuk-body">This community has no sub-communities yet.</p>
      ) : (
        <ul class="govuk-list govuk-list--bullet">
          {children.map((child) => (
            <li>
              <a class="govuk-link" href={pathOf(child.actor)}>
                {child.actor.name}
              </a>
              {child.isPrivate ? (
                <>
                  {" "}
                  <Tag colour="grey">Private</Tag>
                </>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      {props.canCreate ? (
        <ButtonLink href={`${props.path}/subcommunities/new`} variant="secondary">
          Create a sub-community
        </ButtonLink>
      ) : null}
    </>
  );
}

function excerpt(text: string): string {
  const line = text.split("\n")[0] ?? "";
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}

/**
 * "All communities" as a tree: each community is followed by its sub-communities, which say
 * what they are part of. With a stage chosen, only communities at that stage are listed.
 */
export function CommunityDirectory(props: {
  communities: CommunitySummary[];
  stage?: Stage | undefined;
}) {
  const rows = orderAsTree(props.communities).filter(
    (r) => !props.stage || r.community.stage === props.stage,
  );
  if (rows.length === 0) {
    return (
      <p class="govuk-body">
        {props.stage
          ? `No community here is at the ${stageInfo(props.stage).label.toLowerCase()} stage.`
          : "There are no communities here yet."}
      </p>
    );
  }
  const caption = props.stage
    ? `Communities at the ${stageInfo(props.stage).label.toLowerCase()} stage`
    : "Communities on this instance";
  return (
    // Four columns do not fit a phone: the table scrolls sideways, by keyboard too.
    <ScrollRegion label={caption}>
      <Table
        caption={caption}
        captionSize="m"
        head={["Community", "Stage", "About", "Members"]}
        numericColumns={[3]}
        rows={rows.map(({ community: c, depth, parent }) => [
          <div class={props.stage ? undefined : `copse-tree-depth-${Math.min(depth, 3)}`}>
            <a class="govuk-link" href={communityPagePath(c.actor.handle)}>
              {c.actor.name}
            </a>{" "}
            {c.visibility === "private" ? <Tag colour="grey">Private</Tag> : null}
            {parent ? (
              <span class="govuk-body-s copse-part-of">
                Part of{" "}
                <a class="govuk-link" href={communityPagePath(parent.actor.handle)}>
                  {parent.actor.name}
                </a>
              </span>
            ) : null}
          </div>,
          <StageTag stage={c.stage} />,
          excerpt(c.actor.summary),
          String(c.memberCount),
        ])}
      />
    </ScrollRegion>
  );
}

/** The title of "All communities", which names the stage it is filtered by. */
export function directoryTitle(stage: Stage | undefined): string {
  return stage
    ? `All communities at the ${stageInfo(stage).label.toLowerCase()} stage`
    : "All communities";
}

/** The GET form that filters "All communities" by lifecycle stage; it needs no JavaScript. */
export function StageFilter(props: { stage?: Stage | undefined; error?: string | undefined }) {
  return (
    <form method="get" action="/communities" class="copse-stage-filter" novalidate>
      <div class={cx("govuk-form-group", props.error && "govuk-form-group--error")}>
        <label class="govuk-label" for="stage">
          Lifecycle stage
        </label>
        {props.error ? <ErrorMessage id="stage-error">{props.error}</ErrorMessage> : null}
        <select
          class={cx("govuk-select", props.error && "govuk-select--error")}
          id="stage"
          name="stage"
          aria-describedby={props.error ? "stage-error" : undefined}
        >
          <option value="" selected={!props.stage}>
            All stages
          </option>
          {STAGES.map((s) => (
            <option value={s.id} selected={props.stage === s.id}>
              {s.label}
            </option>
          ))}
        </select>{" "}
        <Button variant="secondary" class="govuk-!-margin-bottom-0">
          Apply
        </Button>
      </div>
    </form>
  );
}
