ALTER TABLE `documents` ADD `rating_average` real;--> statement-breakpoint
ALTER TABLE `documents` ADD `rating_count` integer;