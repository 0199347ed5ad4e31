CREATE TABLE `alert_entries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`person_id` integer NOT NULL,
	`topic` text NOT NULL,
	`frequency` text NOT NULL,
	`subject` text NOT NULL,
	`group_id` integer,
	`created_at` integer NOT NULL,
	`mail_id` integer,
	FOREIGN KEY (`person_id`) REFERENCES `actors`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`group_id`) REFERENCES `actors`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `alert_entries_person_subject_idx` ON `alert_entries` (`person_id`,`subject`);--> statement-breakpoint
CREATE INDEX `alert_entries_pending_idx` ON `alert_entries` (`frequency`,`mail_id`);--> statement-breakpoint
CREATE TABLE `alert_settings` (
	`person_id` integer NOT NULL,
	`topic` text NOT NULL,
	`frequency` text NOT NULL,
	PRIMARY KEY(`person_id`, `topic`),
	FOREIGN KEY (`person_id`) REFERENCES `actors`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `alert_tokens` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`person_id` integer NOT NULL,
	`topic` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`person_id`) REFERENCES `actors`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `mail_outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`to_address` text NOT NULL,
	`subject` text NOT NULL,
	`text` text NOT NULL,
	`html` text NOT NULL,
	`headers` text DEFAULT '{}' NOT NULL,
	`message_id` text NOT NULL,
	`state` text DEFAULT 'queued' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`last_error` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`sent_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `mail_outbox_message_id_unique` ON `mail_outbox` (`message_id`);--> statement-breakpoint
CREATE INDEX `mail_outbox_due_idx` ON `mail_outbox` (`state`,`next_attempt_at`);--> statement-breakpoint
CREATE TABLE `remote_group_parents` (
	`group_id` integer PRIMARY KEY NOT NULL,
	`parent_iri` text NOT NULL,
	FOREIGN KEY (`group_id`) REFERENCES `actors`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `remote_group_parents_parent_idx` ON `remote_group_parents` (`parent_iri`);--> statement-breakpoint
CREATE TABLE `feed_tokens` (
	`token` text PRIMARY KEY NOT NULL,
	`person_id` integer NOT NULL,
	`created_at` integer NOT NULL,
	`revoked_at` integer,
	`expires_at` integer,
	FOREIGN KEY (`person_id`) REFERENCES `actors`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `scheduled_tasks` (
	`name` text PRIMARY KEY NOT NULL,
	`next_run_at` integer NOT NULL,
	`last_run_at` integer,
	`last_error` text,
	`failures` integer DEFAULT 0 NOT NULL,
	`cursor` text
);
--> statement-breakpoint
CREATE TABLE `news_entries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`feed_id` integer NOT NULL,
	`guid` text NOT NULL,
	`link` text,
	`title` text NOT NULL,
	`summary_html` text DEFAULT '' NOT NULL,
	`author` text,
	`published_at` integer NOT NULL,
	`fetched_at` integer NOT NULL,
	FOREIGN KEY (`feed_id`) REFERENCES `news_feeds`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `news_entries_feed_guid_idx` ON `news_entries` (`feed_id`,`guid`);--> statement-breakpoint
CREATE INDEX `news_entries_published_idx` ON `news_entries` (`published_at`);--> statement-breakpoint
CREATE TABLE `news_feeds` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`group_id` integer NOT NULL,
	`url` text NOT NULL,
	`title` text DEFAULT '' NOT NULL,
	`site_url` text,
	`etag` text,
	`last_modified` text,
	`last_fetched_at` integer,
	`next_fetch_at` integer NOT NULL,
	`failures` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`flagged_at` integer,
	`added_by_id` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`group_id`) REFERENCES `actors`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`added_by_id`) REFERENCES `actors`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `news_feeds_group_url_idx` ON `news_feeds` (`group_id`,`url`);--> statement-breakpoint
CREATE INDEX `news_feeds_due_idx` ON `news_feeds` (`next_fetch_at`);--> statement-breakpoint
CREATE TABLE `poll_options` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`item_id` integer NOT NULL,
	`position` integer NOT NULL,
	`name` text NOT NULL,
	`remote_count` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`item_id`) REFERENCES `items`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `poll_options_item_name_idx` ON `poll_options` (`item_id`,`name`);--> statement-breakpoint
CREATE TABLE `poll_votes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`item_id` integer NOT NULL,
	`option_id` integer NOT NULL,
	`voter_id` integer NOT NULL,
	`iri` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`item_id`) REFERENCES `items`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`option_id`) REFERENCES `poll_options`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`voter_id`) REFERENCES `actors`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `poll_votes_voter_option_idx` ON `poll_votes` (`item_id`,`voter_id`,`option_id`);--> statement-breakpoint
CREATE INDEX `poll_votes_option_idx` ON `poll_votes` (`option_id`);--> statement-breakpoint
CREATE INDEX `poll_votes_created_idx` ON `poll_votes` (`created_at`,`item_id`,`voter_id`);--> statement-breakpoint
CREATE TABLE `polls` (
	`item_id` integer PRIMARY KEY NOT NULL,
	`multiple` integer NOT NULL,
	`ends_at` integer NOT NULL,
	`voters_count` integer DEFAULT 0 NOT NULL,
	`closed_announced_at` integer,
	`unsent_totals_changes` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`item_id`) REFERENCES `items`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
ALTER TABLE `communities` ADD `parent_group_id` integer REFERENCES actors(id);--> statement-breakpoint
ALTER TABLE `communities` ADD `inherits_membership` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `communities` ADD `stage` text DEFAULT 'start-up' NOT NULL;--> statement-breakpoint
ALTER TABLE `memberships` ADD `requested_at` integer;--> statement-breakpoint
CREATE INDEX `memberships_requested_idx` ON `memberships` (`requested_at`,`id`);--> statement-breakpoint
CREATE INDEX `memberships_active_since_idx` ON `memberships` (CASE WHEN "decided_at" IS NULL THEN "created_at" ELSE "decided_at" END,`id`) WHERE state = 'active';--> statement-breakpoint
CREATE INDEX `items_published_idx` ON `items` (`published_at`,`kind`,`author_id`,`root_id`) WHERE deleted_at IS NULL AND status = 'published';--> statement-breakpoint
CREATE INDEX `wiki_revisions_edits_idx` ON `wiki_revisions` (`created_at`,`item_id`,`author_id`) WHERE number > 1;