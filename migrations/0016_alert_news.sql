CREATE TABLE `alert_digest_cursors` (
	`person_id` integer NOT NULL,
	`frequency` text NOT NULL,
	`news_id` integer NOT NULL,
	PRIMARY KEY(`person_id`, `frequency`),
	FOREIGN KEY (`person_id`) REFERENCES `actors`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `alert_news` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`item_id` integer NOT NULL,
	`subject` text NOT NULL,
	`section` text NOT NULL,
	`author_id` integer NOT NULL,
	`recorded_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `alert_news_item_idx` ON `alert_news` (`item_id`);--> statement-breakpoint
CREATE INDEX `alert_news_recorded_idx` ON `alert_news` (`recorded_at`);--> statement-breakpoint
CREATE TABLE `alert_setting_changes` (
	`person_id` integer NOT NULL,
	`topic` text NOT NULL,
	`until_news_id` integer NOT NULL,
	`frequency` text NOT NULL,
	PRIMARY KEY(`person_id`, `topic`, `until_news_id`),
	FOREIGN KEY (`person_id`) REFERENCES `actors`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `alert_settings_topic_idx` ON `alert_settings` (`topic`,`frequency`);--> statement-breakpoint
-- Entries already mailed are history (community news is now recorded once, in alert_news); a
-- large instance had millions of them. Entries still waiting stay and go out as before.
DELETE FROM `alert_entries` WHERE `mail_id` IS NOT NULL;
