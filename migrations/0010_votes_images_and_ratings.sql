CREATE TABLE `item_images` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`item_id` integer NOT NULL,
	`remote_url` text NOT NULL,
	`alt` text DEFAULT '' NOT NULL,
	`state` text DEFAULT 'pending' NOT NULL,
	`storage_path` text,
	`width` integer,
	`height` integer,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`retry_at` integer,
	FOREIGN KEY (`item_id`) REFERENCES `items`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `item_images_item_idx` ON `item_images` (`item_id`);--> statement-breakpoint
CREATE INDEX `item_images_pending_idx` ON `item_images` (`state`,`retry_at`);--> statement-breakpoint
CREATE TABLE `item_links` (
	`item_id` integer PRIMARY KEY NOT NULL,
	`href` text NOT NULL,
	`title` text DEFAULT '' NOT NULL,
	FOREIGN KEY (`item_id`) REFERENCES `items`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `votes` (
	`item_id` integer NOT NULL,
	`actor_id` integer NOT NULL,
	`value` integer NOT NULL,
	`activity_iri` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	PRIMARY KEY(`item_id`, `actor_id`),
	FOREIGN KEY (`item_id`) REFERENCES `items`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`actor_id`) REFERENCES `actors`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "votes_value_sign" CHECK("votes"."value" in (-1, 1))
);
--> statement-breakpoint
CREATE INDEX `votes_activity_idx` ON `votes` (`activity_iri`);--> statement-breakpoint
ALTER TABLE `documents` ADD `rating_average` real;--> statement-breakpoint
ALTER TABLE `documents` ADD `rating_count` integer;