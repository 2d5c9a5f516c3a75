BEGIN TRANSACTION;
CREATE TABLE account_tokens (
	id INTEGER NOT NULL, 
	user_id INTEGER NOT NULL, 
	purpose VARCHAR(16) NOT NULL, 
	token_hash VARCHAR(64) NOT NULL, 
	created_at DATETIME NOT NULL, 
	expires_at DATETIME NOT NULL, 
	used_at DATETIME, 
	CONSTRAINT pk_account_tokens PRIMARY KEY (id), 
	CONSTRAINT fk_account_tokens_user_id_users FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE, 
	CONSTRAINT uq_account_tokens_token_hash UNIQUE (token_hash)
);
CREATE TABLE alembic_version (
	version_num VARCHAR(32) NOT NULL, 
	CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);
INSERT INTO "alembic_version" VALUES('0013');
CREATE TABLE "audit_log" (
	id INTEGER NOT NULL, 
	at DATETIME NOT NULL, 
	user_id INTEGER, 
	role VARCHAR(16) NOT NULL, 
	incident_id INTEGER NOT NULL, 
	public_id VARCHAR(16) NOT NULL, 
	action VARCHAR(16) NOT NULL, 
	field VARCHAR(64) NOT NULL, 
	old_value TEXT, 
	new_value TEXT, 
	reason TEXT, 
	CONSTRAINT pk_audit_log PRIMARY KEY (id), 
	CONSTRAINT fk_audit_log_user_id_users FOREIGN KEY(user_id) REFERENCES users (id)
);
CREATE TABLE dataset_state (
	id INTEGER NOT NULL, 
	version INTEGER NOT NULL, 
	changed_at DATETIME NOT NULL, private_version INTEGER DEFAULT '0' NOT NULL, 
	CONSTRAINT pk_dataset_state PRIMARY KEY (id)
);
INSERT INTO "dataset_state" VALUES(1,2,'2026-12-06 22:44:13.943705',0);
CREATE TABLE duplicate_links (
	id INTEGER NOT NULL, 
	incident_id INTEGER NOT NULL, 
	other_id INTEGER NOT NULL, 
	score FLOAT NOT NULL, 
	reasons TEXT NOT NULL, 
	status VARCHAR(16) NOT NULL, 
	created_at DATETIME NOT NULL, 
	CONSTRAINT pk_duplicate_links PRIMARY KEY (id), 
	CONSTRAINT ck_duplicate_links_distinct_pair CHECK (incident_id <> other_id), 
	CONSTRAINT fk_duplicate_links_incident_id_incidents FOREIGN KEY(incident_id) REFERENCES incidents (id) ON DELETE CASCADE, 
	CONSTRAINT fk_duplicate_links_other_id_incidents FOREIGN KEY(other_id) REFERENCES incidents (id) ON DELETE CASCADE, 
	CONSTRAINT uq_duplicate_links_pair UNIQUE (incident_id, other_id)
);
CREATE TABLE incident_bias_indicators (
	incident_id INTEGER NOT NULL, 
	code VARCHAR(64) NOT NULL, 
	CONSTRAINT pk_incident_bias_indicators PRIMARY KEY (incident_id, code), 
	CONSTRAINT fk_incident_bias_indicators_incident_id_incidents FOREIGN KEY(incident_id) REFERENCES incidents (id) ON DELETE CASCADE
);
INSERT INTO "incident_bias_indicators" VALUES(1,'bi.victim_perception');
INSERT INTO "incident_bias_indicators" VALUES(2,'bi.witness_perception');
INSERT INTO "incident_bias_indicators" VALUES(2,'bi.offender_remarks');
INSERT INTO "incident_bias_indicators" VALUES(2,'bi.offender_written');
INSERT INTO "incident_bias_indicators" VALUES(3,'bi.offender_gestures');
INSERT INTO "incident_bias_indicators" VALUES(4,'bi.symbols_graffiti');
INSERT INTO "incident_bias_indicators" VALUES(5,'bi.organised_hate_group');
INSERT INTO "incident_bias_indicators" VALUES(5,'bi.target_site');
INSERT INTO "incident_bias_indicators" VALUES(6,'bi.timing');
INSERT INTO "incident_bias_indicators" VALUES(6,'bi.pattern_previous');
INSERT INTO "incident_bias_indicators" VALUES(7,'bi.victim_visibility');
INSERT INTO "incident_bias_indicators" VALUES(8,'bi.victim_activity');
INSERT INTO "incident_bias_indicators" VALUES(10,'bi.nature_of_violence');
INSERT INTO "incident_bias_indicators" VALUES(11,'bi.no_other_motive');
INSERT INTO "incident_bias_indicators" VALUES(11,'bi.offender_background');
INSERT INTO "incident_bias_indicators" VALUES(11,'bi.context_incitement');
INSERT INTO "incident_bias_indicators" VALUES(12,'bi.intergroup_animosity');
INSERT INTO "incident_bias_indicators" VALUES(12,'bi.other');
INSERT INTO "incident_bias_indicators" VALUES(12,'bi.offender_remarks');
INSERT INTO "incident_bias_indicators" VALUES(13,'bi.context_incitement');
INSERT INTO "incident_bias_indicators" VALUES(14,'bi.offender_remarks');
INSERT INTO "incident_bias_indicators" VALUES(14,'bi.nature_of_violence');
INSERT INTO "incident_bias_indicators" VALUES(15,'bi.victim_perception');
INSERT INTO "incident_bias_indicators" VALUES(15,'bi.offender_background');
INSERT INTO "incident_bias_indicators" VALUES(15,'bi.offender_remarks');
INSERT INTO "incident_bias_indicators" VALUES(16,'bi.witness_perception');
INSERT INTO "incident_bias_indicators" VALUES(17,'bi.pattern_previous');
INSERT INTO "incident_bias_indicators" VALUES(17,'bi.other');
INSERT INTO "incident_bias_indicators" VALUES(17,'bi.intergroup_animosity');
INSERT INTO "incident_bias_indicators" VALUES(18,'bi.victim_visibility');
INSERT INTO "incident_bias_indicators" VALUES(19,'bi.context_incitement');
INSERT INTO "incident_bias_indicators" VALUES(20,'bi.other');
INSERT INTO "incident_bias_indicators" VALUES(21,'bi.symbols_graffiti');
INSERT INTO "incident_bias_indicators" VALUES(22,'bi.victim_perception');
INSERT INTO "incident_bias_indicators" VALUES(22,'bi.no_other_motive');
INSERT INTO "incident_bias_indicators" VALUES(23,'bi.offender_written');
INSERT INTO "incident_bias_indicators" VALUES(23,'bi.offender_remarks');
INSERT INTO "incident_bias_indicators" VALUES(25,'bi.symbols_graffiti');
INSERT INTO "incident_bias_indicators" VALUES(25,'bi.victim_perception');
INSERT INTO "incident_bias_indicators" VALUES(26,'bi.victim_perception');
INSERT INTO "incident_bias_indicators" VALUES(26,'bi.offender_remarks');
INSERT INTO "incident_bias_indicators" VALUES(26,'bi.target_site');
INSERT INTO "incident_bias_indicators" VALUES(27,'bi.pattern_previous');
INSERT INTO "incident_bias_indicators" VALUES(27,'bi.intergroup_animosity');
INSERT INTO "incident_bias_indicators" VALUES(28,'bi.nature_of_violence');
INSERT INTO "incident_bias_indicators" VALUES(28,'bi.intergroup_animosity');
INSERT INTO "incident_bias_indicators" VALUES(28,'bi.target_site');
INSERT INTO "incident_bias_indicators" VALUES(29,'bi.pattern_previous');
INSERT INTO "incident_bias_indicators" VALUES(30,'bi.organised_hate_group');
INSERT INTO "incident_bias_indicators" VALUES(30,'bi.victim_perception');
INSERT INTO "incident_bias_indicators" VALUES(32,'bi.victim_perception');
INSERT INTO "incident_bias_indicators" VALUES(32,'bi.victim_visibility');
INSERT INTO "incident_bias_indicators" VALUES(33,'bi.offender_remarks');
INSERT INTO "incident_bias_indicators" VALUES(34,'bi.victim_activity');
INSERT INTO "incident_bias_indicators" VALUES(34,'bi.symbols_graffiti');
INSERT INTO "incident_bias_indicators" VALUES(35,'bi.victim_perception');
INSERT INTO "incident_bias_indicators" VALUES(36,'bi.symbols_graffiti');
INSERT INTO "incident_bias_indicators" VALUES(37,'bi.victim_perception');
INSERT INTO "incident_bias_indicators" VALUES(37,'bi.offender_remarks');
INSERT INTO "incident_bias_indicators" VALUES(38,'bi.offender_remarks');
INSERT INTO "incident_bias_indicators" VALUES(39,'bi.timing');
INSERT INTO "incident_bias_indicators" VALUES(39,'bi.witness_perception');
INSERT INTO "incident_bias_indicators" VALUES(40,'bi.symbols_graffiti');
INSERT INTO "incident_bias_indicators" VALUES(40,'bi.target_site');
INSERT INTO "incident_bias_indicators" VALUES(40,'bi.intergroup_animosity');
INSERT INTO "incident_bias_indicators" VALUES(41,'bi.offender_remarks');
CREATE TABLE incident_bias_motivations (
	incident_id INTEGER NOT NULL, 
	code VARCHAR(64) NOT NULL, 
	is_primary BOOLEAN NOT NULL, 
	CONSTRAINT pk_incident_bias_motivations PRIMARY KEY (incident_id, code), 
	CONSTRAINT fk_incident_bias_motivations_incident_id_incidents FOREIGN KEY(incident_id) REFERENCES incidents (id) ON DELETE CASCADE
);
INSERT INTO "incident_bias_motivations" VALUES(1,'bm.racism_xenophobia',1);
INSERT INTO "incident_bias_motivations" VALUES(2,'bm.racism_xenophobia.anti_migrant',1);
INSERT INTO "incident_bias_motivations" VALUES(3,'bm.racism_xenophobia.anti_refugee',1);
INSERT INTO "incident_bias_motivations" VALUES(3,'bm.racism_xenophobia.afrophobia',0);
INSERT INTO "incident_bias_motivations" VALUES(4,'bm.racism_xenophobia.other_ethnic',1);
INSERT INTO "incident_bias_motivations" VALUES(5,'bm.anti_roma',1);
INSERT INTO "incident_bias_motivations" VALUES(5,'bm.anti_muslim',0);
INSERT INTO "incident_bias_motivations" VALUES(6,'bm.antisemitism',1);
INSERT INTO "incident_bias_motivations" VALUES(7,'bm.anti_christian',1);
INSERT INTO "incident_bias_motivations" VALUES(8,'bm.other_religion_belief',1);
INSERT INTO "incident_bias_motivations" VALUES(9,'bm.anti_lgbti',1);
INSERT INTO "incident_bias_motivations" VALUES(9,'bm.disability',0);
INSERT INTO "incident_bias_motivations" VALUES(10,'bm.gender',1);
INSERT INTO "incident_bias_motivations" VALUES(11,'bm.association',1);
INSERT INTO "incident_bias_motivations" VALUES(12,'bm.other',1);
INSERT INTO "incident_bias_motivations" VALUES(13,'bm.unknown',1);
INSERT INTO "incident_bias_motivations" VALUES(14,'bm.racism_xenophobia.anti_migrant',1);
INSERT INTO "incident_bias_motivations" VALUES(15,'bm.racism_xenophobia.anti_migrant',1);
INSERT INTO "incident_bias_motivations" VALUES(16,'bm.anti_roma',1);
INSERT INTO "incident_bias_motivations" VALUES(17,'bm.other_religion_belief',1);
INSERT INTO "incident_bias_motivations" VALUES(18,'bm.racism_xenophobia.anti_migrant',1);
INSERT INTO "incident_bias_motivations" VALUES(19,'bm.racism_xenophobia.anti_refugee',1);
INSERT INTO "incident_bias_motivations" VALUES(20,'bm.anti_muslim',1);
INSERT INTO "incident_bias_motivations" VALUES(21,'bm.anti_muslim',1);
INSERT INTO "incident_bias_motivations" VALUES(22,'bm.racism_xenophobia.other_ethnic',1);
INSERT INTO "incident_bias_motivations" VALUES(23,'bm.racism_xenophobia.anti_migrant',1);
INSERT INTO "incident_bias_motivations" VALUES(24,'bm.anti_muslim',1);
INSERT INTO "incident_bias_motivations" VALUES(24,'bm.anti_roma',0);
INSERT INTO "incident_bias_motivations" VALUES(25,'bm.anti_lgbti',1);
INSERT INTO "incident_bias_motivations" VALUES(25,'bm.anti_muslim',0);
INSERT INTO "incident_bias_motivations" VALUES(26,'bm.racism_xenophobia.anti_refugee',1);
INSERT INTO "incident_bias_motivations" VALUES(27,'bm.racism_xenophobia.anti_migrant',1);
INSERT INTO "incident_bias_motivations" VALUES(28,'bm.other_religion_belief',1);
INSERT INTO "incident_bias_motivations" VALUES(29,'bm.anti_roma',1);
INSERT INTO "incident_bias_motivations" VALUES(30,'bm.racism_xenophobia.afrophobia',1);
INSERT INTO "incident_bias_motivations" VALUES(31,'bm.anti_roma',1);
INSERT INTO "incident_bias_motivations" VALUES(31,'bm.racism_xenophobia.anti_refugee',0);
INSERT INTO "incident_bias_motivations" VALUES(32,'bm.racism_xenophobia.anti_migrant',1);
INSERT INTO "incident_bias_motivations" VALUES(33,'bm.racism_xenophobia.afrophobia',1);
INSERT INTO "incident_bias_motivations" VALUES(33,'bm.racism_xenophobia.anti_refugee',0);
INSERT INTO "incident_bias_motivations" VALUES(34,'bm.anti_roma',1);
INSERT INTO "incident_bias_motivations" VALUES(35,'bm.gender',1);
INSERT INTO "incident_bias_motivations" VALUES(36,'bm.antisemitism',1);
INSERT INTO "incident_bias_motivations" VALUES(37,'bm.racism_xenophobia.anti_refugee',1);
INSERT INTO "incident_bias_motivations" VALUES(38,'bm.racism_xenophobia.anti_refugee',1);
INSERT INTO "incident_bias_motivations" VALUES(39,'bm.disability',1);
INSERT INTO "incident_bias_motivations" VALUES(40,'bm.racism_xenophobia.anti_refugee',1);
INSERT INTO "incident_bias_motivations" VALUES(41,'bm.racism_xenophobia.anti_migrant',1);
CREATE TABLE incident_types (
	incident_id INTEGER NOT NULL, 
	code VARCHAR(64) NOT NULL, 
	is_primary BOOLEAN NOT NULL, 
	CONSTRAINT pk_incident_types PRIMARY KEY (incident_id, code), 
	CONSTRAINT fk_incident_types_incident_id_incidents FOREIGN KEY(incident_id) REFERENCES incidents (id) ON DELETE CASCADE
);
INSERT INTO "incident_types" VALUES(1,'it.violent_attack',1);
INSERT INTO "incident_types" VALUES(2,'it.violent_attack.homicide',1);
INSERT INTO "incident_types" VALUES(2,'it.violent_attack.physical_assault',0);
INSERT INTO "incident_types" VALUES(3,'it.violent_attack.sexual_assault',1);
INSERT INTO "incident_types" VALUES(4,'it.threat',1);
INSERT INTO "incident_types" VALUES(5,'it.threat.harassment',1);
INSERT INTO "incident_types" VALUES(6,'it.attack_property',1);
INSERT INTO "incident_types" VALUES(7,'it.attack_property.arson',1);
INSERT INTO "incident_types" VALUES(8,'it.attack_property.explosive',1);
INSERT INTO "incident_types" VALUES(9,'it.attack_property.vandalism',1);
INSERT INTO "incident_types" VALUES(10,'it.attack_property.desecration',1);
INSERT INTO "incident_types" VALUES(11,'it.attack_property.theft_robbery',1);
INSERT INTO "incident_types" VALUES(12,'it.verbal_abuse',1);
INSERT INTO "incident_types" VALUES(13,'it.hate_speech_public',1);
INSERT INTO "incident_types" VALUES(14,'it.hate_speech_public.public_figure',1);
INSERT INTO "incident_types" VALUES(15,'it.hate_speech_online',1);
INSERT INTO "incident_types" VALUES(16,'it.anti_migrant_demonstration',1);
INSERT INTO "incident_types" VALUES(17,'it.discrimination',1);
INSERT INTO "incident_types" VALUES(18,'it.discrimination.authorities',1);
INSERT INTO "incident_types" VALUES(19,'it.other',1);
INSERT INTO "incident_types" VALUES(20,'it.attack_property.vandalism',1);
INSERT INTO "incident_types" VALUES(21,'it.verbal_abuse',1);
INSERT INTO "incident_types" VALUES(22,'it.hate_speech_public.public_figure',1);
INSERT INTO "incident_types" VALUES(23,'it.attack_property.arson',1);
INSERT INTO "incident_types" VALUES(24,'it.attack_property.vandalism',1);
INSERT INTO "incident_types" VALUES(25,'it.violent_attack.physical_assault',1);
INSERT INTO "incident_types" VALUES(26,'it.threat',1);
INSERT INTO "incident_types" VALUES(27,'it.threat',1);
INSERT INTO "incident_types" VALUES(28,'it.threat',1);
INSERT INTO "incident_types" VALUES(29,'it.threat',1);
INSERT INTO "incident_types" VALUES(30,'it.attack_property.vandalism',1);
INSERT INTO "incident_types" VALUES(31,'it.threat',1);
INSERT INTO "incident_types" VALUES(32,'it.threat',1);
INSERT INTO "incident_types" VALUES(33,'it.hate_speech_online',1);
INSERT INTO "incident_types" VALUES(34,'it.violent_attack',1);
INSERT INTO "incident_types" VALUES(35,'it.violent_attack',1);
INSERT INTO "incident_types" VALUES(36,'it.violent_attack.physical_assault',1);
INSERT INTO "incident_types" VALUES(37,'it.hate_speech_online',1);
INSERT INTO "incident_types" VALUES(38,'it.attack_property.theft_robbery',1);
INSERT INTO "incident_types" VALUES(39,'it.verbal_abuse',1);
INSERT INTO "incident_types" VALUES(40,'it.discrimination.authorities',1);
INSERT INTO "incident_types" VALUES(41,'it.violent_attack.physical_assault',1);
INSERT INTO "incident_types" VALUES(41,'it.verbal_abuse',0);
CREATE TABLE "incidents" (
	id INTEGER NOT NULL, 
	uuid VARCHAR(36) NOT NULL, 
	public_id VARCHAR(16) NOT NULL, 
	source_id INTEGER NOT NULL, 
	source_record_id VARCHAR(200) NOT NULL, 
	ingest_run_id INTEGER, 
	organisation_id INTEGER, 
	policy VARCHAR(16) NOT NULL, 
	status VARCHAR(16) NOT NULL, 
	date_start DATE NOT NULL, 
	date_end DATE NOT NULL, 
	date_precision VARCHAR(8) NOT NULL, 
	country VARCHAR(2) NOT NULL, 
	nuts1 VARCHAR(3), 
	nuts2 VARCHAR(4), 
	nuts3 VARCHAR(5), 
	nuts_version VARCHAR(4), 
	lat FLOAT, 
	lon FLOAT, 
	geo_precision VARCHAR(12) NOT NULL, 
	place_name VARCHAR(300), 
	is_online BOOLEAN NOT NULL, 
	location_type VARCHAR(32) NOT NULL, 
	classification VARCHAR(32) NOT NULL, 
	public_summary TEXT, 
	narrative TEXT, 
	narrative_lang VARCHAR(16), 
	raw_labels JSON, 
	taxonomy_version VARCHAR(16) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	quality_notes JSON, source_type VARCHAR(32), time_of_day VARCHAR(16), attempted BOOLEAN, target_type VARCHAR(32), victim_count INTEGER, victim_groups JSON, victim_gender VARCHAR(16), victim_age_band VARCHAR(16), perpetrator_type VARCHAR(32), perpetrator_count VARCHAR(16), harm_severity VARCHAR(24), property_damage VARCHAR(16), weapon_used VARCHAR(8), reported_to_police VARCHAR(16), police_flagged_hate VARCHAR(8), reasons_not_reported JSON, justice_outcome VARCHAR(16), national_offence_label VARCHAR(300), bias_indicator_notes TEXT, consent_record BOOLEAN, consent_share_network BOOLEAN, consent_publish_aggregate BOOLEAN, consent_police_referral BOOLEAN, consent_recorded_at DATETIME, personal_data_erased_at DATETIME, 
	CONSTRAINT pk_incidents PRIMARY KEY (id), 
	CONSTRAINT fk_incidents_source_id_sources FOREIGN KEY(source_id) REFERENCES sources (id), 
	CONSTRAINT uq_incidents_uuid UNIQUE (uuid), 
	CONSTRAINT uq_incidents_source_record UNIQUE (source_id, source_record_id), 
	CONSTRAINT ck_incidents_date_order CHECK (date_end >= date_start), 
	CONSTRAINT ck_incidents_point_complete CHECK ((lat IS NULL) = (lon IS NULL)), 
	CONSTRAINT fk_incidents_ingest_run_id_ingest_runs FOREIGN KEY(ingest_run_id) REFERENCES ingest_runs (id), 
	CONSTRAINT fk_incidents_organisation_id_organisations FOREIGN KEY(organisation_id) REFERENCES organisations (id), 
	CONSTRAINT uq_incidents_public_id UNIQUE (public_id), 
	CONSTRAINT ck_incidents_classification CHECK (classification = 'hate_crime' OR classification = 'hate_incident' OR classification = 'hate_speech_criminal' OR classification = 'hate_speech_noncriminal' OR classification = 'discrimination' OR classification = 'unclear'), 
	CONSTRAINT ck_incidents_date_precision CHECK (date_precision = 'day' OR date_precision = 'week' OR date_precision = 'month' OR date_precision = 'year'), 
	CONSTRAINT ck_incidents_geo_precision CHECK (geo_precision = 'exact' OR geo_precision = 'municipality' OR geo_precision = 'nuts3' OR geo_precision = 'nuts2' OR geo_precision = 'nuts1' OR geo_precision = 'country' OR geo_precision = 'unknown'), 
	CONSTRAINT ck_incidents_location_type CHECK (location_type = 'street_public_space' OR location_type = 'public_transport' OR location_type = 'victims_home' OR location_type = 'asylum_accommodation' OR location_type = 'place_of_worship' OR location_type = 'shop_business' OR location_type = 'school_university' OR location_type = 'workplace' OR location_type = 'police_detention' OR location_type = 'border_area' OR location_type = 'online' OR location_type = 'other' OR location_type = 'unknown'), 
	CONSTRAINT ck_incidents_policy CHECK (policy = 'open' OR policy = 'member' OR policy = 'demo'), 
	CONSTRAINT ck_incidents_status CHECK (status = 'draft' OR status = 'submitted' OR status = 'verified' OR status = 'published' OR status = 'rejected' OR status = 'duplicate')
);
INSERT INTO "incidents" VALUES(1,'7e0db9c3-3258-448a-a932-7cc212a2c88a','d4byfhhswuu',1,'demo-11-0',NULL,NULL,'demo','published','2014-04-05','2014-04-05','day','BE',NULL,NULL,NULL,NULL,50.87563,4.67225,'exact','Leuven',0,'police_detention','hate_crime','Synthetic demo record: violent attack against people (unspecified) in Leuven.','Synthetic restricted narrative 0 (never public).','en','null','0.3.0','2026-01-01 00:00:00.000000','2026-01-01 00:00:00.000000',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
INSERT INTO "incidents" VALUES(2,'b0aaec14-f9ab-4158-ac3b-3175bd777859','dduc4cdgn5c',1,'demo-11-1',NULL,NULL,'demo','published','2016-12-24','2016-12-24','day','BG',NULL,NULL,NULL,NULL,NULL,NULL,'country',NULL,0,'public_transport','hate_crime','Synthetic demo record: homicide (incl. attempted, flag `attempted`) in Bulgaria.','Synthetic restricted narrative 1 (never public).','en','null','0.3.0','2026-01-01 00:00:00.000000','2026-01-01 00:00:00.000000',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
INSERT INTO "incidents" VALUES(3,'e84d8554-83b1-4bb6-accb-2a1aaeeb257b','dgphctcydqn',1,'demo-11-2',NULL,NULL,'demo','published','2017-12-10','2017-12-10','day','CZ',NULL,NULL,NULL,NULL,50.46048,13.41779,'municipality','Chomutov',0,'victims_home','hate_crime','Synthetic demo record: sexual assault in Chomutov.','Synthetic restricted narrative 2 (never public).','en','null','0.3.0','2026-01-01 00:00:00.000000','2026-01-01 00:00:00.000000',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
INSERT INTO "incidents" VALUES(4,'061938f6-b9f0-4a68-b05e-ae0a2cd6da1c','d22rj5zih6j',1,'demo-11-3',NULL,NULL,'demo','published','2019-04-29','2019-05-05','week','DK',NULL,NULL,NULL,NULL,55.62722,12.45644,'municipality','Avedøre',0,'street_public_space','hate_crime','Synthetic demo record: threats / threatening behaviour in Avedøre.','Synthetic restricted narrative 3 (never public).','en','null','0.3.0','2026-01-01 00:00:00.000000','2026-01-01 00:00:00.000000',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
INSERT INTO "incidents" VALUES(5,'7d62e8f3-0b28-4448-8304-55461a57d9d8','dertc7qwu74',1,'demo-11-4',NULL,NULL,'demo','published','2024-06-08','2024-06-08','day','DE',NULL,NULL,NULL,NULL,51.33962,12.37129,'municipality','Leipzig',0,'border_area','hate_crime','Synthetic demo record: harassment in Leipzig.','Synthetic restricted narrative 4 (never public).','en','null','0.3.0','2026-01-01 00:00:00.000000','2026-01-01 00:00:00.000000',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
INSERT INTO "incidents" VALUES(6,'02cbd93f-7a12-44f8-91ce-c3219b8d885f','dnbw35utueb',1,'demo-11-5',NULL,NULL,'demo','published','2022-04-25','2022-05-01','week','EE',NULL,NULL,NULL,NULL,59.39861,27.27306,'municipality','Kohtla-Järve',0,'public_transport','hate_crime','Synthetic demo record: attack against property (unspecified) in Kohtla-Järve.','Synthetic restricted narrative 5 (never public).','en','null','0.3.0','2026-01-01 00:00:00.000000','2026-01-01 00:00:00.000000',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
INSERT INTO "incidents" VALUES(7,'e929827b-1340-4dde-9c3f-dc9461a7aadf','dq6ji9tctb7',1,'demo-11-6',NULL,NULL,'demo','published','2017-09-30','2017-09-30','day','IE',NULL,NULL,NULL,NULL,53.34787,-6.22301,'exact','Dublin',0,'school_university','hate_crime','Synthetic demo record: arson / firebombing in Dublin.','Synthetic restricted narrative 6 (never public).','en','null','0.3.0','2026-01-01 00:00:00.000000','2026-01-01 00:00:00.000000',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
INSERT INTO "incidents" VALUES(8,'67fed1f2-7b5e-4537-b048-07bd657c1846','d3v99mhixhu',1,'demo-11-7',NULL,NULL,'demo','published','2014-01-15','2014-01-15','day','GR',NULL,NULL,NULL,NULL,NULL,NULL,'unknown',NULL,0,'victims_home','hate_crime','Synthetic demo record: explosive device in Greece.','Synthetic restricted narrative 7 (never public).','en','null','0.3.0','2026-01-01 00:00:00.000000','2026-01-01 00:00:00.000000',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
INSERT INTO "incidents" VALUES(9,'d8f941f2-80ae-4fb2-a6be-60827fa8564e','drs3wttnk4w',1,'demo-11-8',NULL,NULL,'demo','published','2016-01-25','2016-01-25','day','ES',NULL,NULL,NULL,NULL,42.24693,-8.71194,'exact','Vigo',0,'victims_home','hate_crime','Synthetic demo record: vandalism / criminal damage in Vigo.','Synthetic restricted narrative 8 (never public).','en','null','0.3.0','2026-01-01 00:00:00.000000','2026-01-01 00:00:00.000000',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
INSERT INTO "incidents" VALUES(10,'e09769a4-d04c-4ef4-93d0-3d210308765d','dmc3r3qwgfu',1,'demo-11-9',NULL,NULL,'demo','published','2025-05-28','2025-05-28','day','FR',NULL,NULL,NULL,NULL,45.4496,4.38416,'exact','Saint-Étienne',0,'public_transport','hate_crime','Synthetic demo record: desecration in Saint-Étienne.','Synthetic restricted narrative 9 (never public).','en','null','0.3.0','2026-01-01 00:00:00.000000','2026-01-01 00:00:00.000000',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
INSERT INTO "incidents" VALUES(11,'9b32c9d5-878c-4eba-8903-5192861f11b5','dzxye2jtbev',1,'demo-11-10',NULL,NULL,'demo','published','2019-01-01','2019-12-31','year','HR',NULL,NULL,NULL,NULL,45.83111,16.11639,'municipality','Sesvete',0,'border_area','hate_crime','Synthetic demo record: theft / robbery / burglary with bias in Sesvete.','Synthetic restricted narrative 10 (never public).','en','null','0.3.0','2026-01-01 00:00:00.000000','2026-01-01 00:00:00.000000',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
INSERT INTO "incidents" VALUES(12,'84335a61-b784-4136-a958-ab5555e6b0dd','d8cghyq3q7b',1,'demo-11-11',NULL,NULL,'demo','published','2022-11-05','2022-11-05','day','IT',NULL,NULL,NULL,NULL,45.47632,9.18021,'exact','Milan',0,'street_public_space','hate_incident','Synthetic demo record: verbal abuse / insult in Milan.','Synthetic restricted narrative 11 (never public).','en','null','0.3.0','2026-01-01 00:00:00.000000','2026-01-01 00:00:00.000000',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
INSERT INTO "incidents" VALUES(13,'9d7bbf33-382d-4754-b170-6812a0d42d1c','du8zhfvdhsv',1,'demo-11-12',NULL,NULL,'demo','published','2015-09-28','2015-09-28','day','CY',NULL,NULL,NULL,NULL,35.13401,33.96029,'exact','Famagusta',0,'police_detention','hate_speech_noncriminal','Synthetic demo record: public hate speech / incitement in Famagusta.','Synthetic restricted narrative 12 (never public).','en','null','0.3.0','2026-01-01 00:00:00.000000','2026-01-01 00:00:00.000000',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
INSERT INTO "incidents" VALUES(14,'f873a494-7d3e-470c-9f8e-b4ca6e35ab73','d6mhkurbu2v',1,'demo-11-13',NULL,NULL,'demo','published','2014-07-19','2014-07-19','day','LV',NULL,NULL,NULL,NULL,NULL,NULL,'country',NULL,0,'victims_home','hate_speech_noncriminal','Synthetic demo record: demeaning speech by politicians or public figures in Latvia.','Synthetic restricted narrative 13 (never public).','en','null','0.3.0','2026-01-01 00:00:00.000000','2026-01-01 00:00:00.000000',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
INSERT INTO "incidents" VALUES(15,'76e68c9e-2fd2-4ba2-a8a7-99ff50457945','dsysiecnixk',1,'demo-11-14',NULL,NULL,'demo','submitted','2024-01-01','2024-12-31','year','LT',NULL,NULL,NULL,NULL,NULL,NULL,'country',NULL,1,'online','hate_speech_noncriminal','Synthetic demo record: online hate speech in Lithuania.','Synthetic restricted narrative 14 (never public).','en','null','0.3.0','2026-01-01 00:00:00.000000','2026-01-01 00:00:00.000000',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
INSERT INTO "incidents" VALUES(16,'510bf144-7596-47d7-97c8-fd9167ea7b44','dtvzpmjxdwv',1,'demo-11-15',NULL,NULL,'demo','submitted','2021-01-01','2021-12-31','year','LU',NULL,NULL,NULL,NULL,49.60982,6.13268,'municipality','Luxembourg',0,'victims_home','hate_incident','Synthetic demo record: anti-migrant demonstration or rally in Luxembourg.','Synthetic restricted narrative 15 (never public).','en','null','0.3.0','2026-01-01 00:00:00.000000','2026-01-01 00:00:00.000000',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
INSERT INTO "incidents" VALUES(17,'e2c3dc06-3547-45d8-b97f-8e30dbd17708','dhdksiyvvnf',1,'demo-11-16',NULL,NULL,'demo','published','2017-10-01','2017-10-31','month','HU',NULL,NULL,NULL,NULL,NULL,NULL,'country',NULL,0,'asylum_accommodation','discrimination','Synthetic demo record: discrimination in Hungary.','Synthetic restricted narrative 16 (never public).','en','null','0.3.0','2026-01-01 00:00:00.000000','2026-01-01 00:00:00.000000',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
INSERT INTO "incidents" VALUES(18,'009717f5-7cd6-4d43-a44c-59098cb8d328','drm38acqxdp',1,'demo-11-17',NULL,NULL,'demo','published','2017-12-05','2017-12-05','day','MT',NULL,NULL,NULL,NULL,NULL,NULL,'country',NULL,0,'place_of_worship','discrimination','Synthetic demo record: discriminatory practices by authorities in Malta.','Synthetic restricted narrative 17 (never public).','en','null','0.3.0','2026-01-01 00:00:00.000000','2026-01-01 00:00:00.000000',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
INSERT INTO "incidents" VALUES(19,'cdebaa61-6774-4c72-8aa0-b17e3171d059','dqv3ncdxt7a',1,'demo-11-18',NULL,NULL,'demo','published','2015-02-01','2015-02-28','month','NL',NULL,NULL,NULL,NULL,51.65403,4.85325,'exact','Oosterhout',0,'shop_business','unclear','Synthetic demo record: other in Oosterhout.','Synthetic restricted narrative 18 (never public).','en','null','0.3.0','2026-01-01 00:00:00.000000','2026-01-01 00:00:00.000000',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
INSERT INTO "incidents" VALUES(20,'baa19ea5-a7d2-4e65-acd3-6a64c0b3fed9','d8523emetps',1,'demo-11-19',NULL,NULL,'demo','published','2016-08-01','2016-08-31','month','AT',NULL,NULL,NULL,NULL,48.20849,16.37208,'municipality','Vienna',0,'school_university','hate_crime','Synthetic demo record: vandalism / criminal damage in Vienna.','Synthetic restricted narrative 19 (never public).','en','null','0.3.0','2026-01-01 00:00:00.000000','2026-01-01 00:00:00.000000',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
INSERT INTO "incidents" VALUES(21,'cfca5f82-cc0d-4e94-ba66-964a3f92fe9a','d395bqjvpp3',1,'demo-11-20',NULL,NULL,'demo','published','2014-02-22','2014-02-22','day','PL',NULL,NULL,NULL,NULL,51.40942,19.71275,'exact','Piotrków Trybunalski',0,'shop_business','hate_incident','Synthetic demo record: verbal abuse / insult in Piotrków Trybunalski.','Synthetic restricted narrative 20 (never public).','en','null','0.3.0','2026-01-01 00:00:00.000000','2026-01-01 00:00:00.000000',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
INSERT INTO "incidents" VALUES(22,'8449c7a9-5d6e-4863-b401-5d769bc9dace','d3zipqauwap',1,'demo-11-21',NULL,NULL,'demo','published','2024-06-11','2024-06-11','day','PT',NULL,NULL,NULL,NULL,NULL,NULL,'country',NULL,0,'asylum_accommodation','hate_speech_noncriminal','Synthetic demo record: demeaning speech by politicians or public figures in Portugal.','Synthetic restricted narrative 21 (never public).','en','null','0.3.0','2026-01-01 00:00:00.000000','2026-01-01 00:00:00.000000',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
INSERT INTO "incidents" VALUES(23,'44b01a4d-68d4-4480-9639-d3138a1cfabe','dgd8w8qcjbi',1,'demo-11-22',NULL,NULL,'demo','published','2019-10-14','2019-10-14','day','RO',NULL,NULL,NULL,NULL,44.4234,26.16874,'municipality','Sector 3',0,'asylum_accommodation','hate_crime','Synthetic demo record: arson / firebombing in Sector 3.','Synthetic restricted narrative 22 (never public).','en','null','0.3.0','2026-01-01 00:00:00.000000','2026-01-01 00:00:00.000000',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
INSERT INTO "incidents" VALUES(24,'33cdfa29-5b9e-48ea-9dce-c05baab9ac9c','dwsvhkng82r',1,'demo-11-23',NULL,NULL,'demo','published','2015-11-01','2015-11-30','month','SI',NULL,NULL,NULL,NULL,46.57348,15.64816,'exact','Maribor',0,'public_transport','hate_crime','Synthetic demo record: vandalism / criminal damage in Maribor.','Synthetic restricted narrative 23 (never public).','en','null','0.3.0','2026-01-01 00:00:00.000000','2026-01-01 00:00:00.000000',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
INSERT INTO "incidents" VALUES(25,'1f4856b6-5a8f-466f-a23e-a1329cc97c43','dviysb7z58x',1,'demo-11-24',NULL,NULL,'demo','published','2023-10-01','2023-10-31','month','SK',NULL,NULL,NULL,NULL,NULL,NULL,'country',NULL,0,'place_of_worship','hate_crime','Synthetic demo record: physical assault in Slovakia.','Synthetic restricted narrative 24 (never public).','en','null','0.3.0','2026-01-01 00:00:00.000000','2026-01-01 00:00:00.000000',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
INSERT INTO "incidents" VALUES(26,'4a1ed3a8-9bff-48e9-88c3-12e15f42d0c3','d56j2px7p9e',1,'demo-11-25',NULL,NULL,'demo','published','2016-01-01','2016-01-31','month','FI',NULL,NULL,NULL,NULL,60.20963,25.14195,'municipality','Vuosaari',0,'street_public_space','hate_crime','Synthetic demo record: threats / threatening behaviour in Vuosaari.','Synthetic restricted narrative 25 (never public).','en','null','0.3.0','2026-01-01 00:00:00.000000','2026-01-01 00:00:00.000000',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
INSERT INTO "incidents" VALUES(27,'ca043cd3-11c9-4dcc-86a8-215a6ea2ad38','d6zaw58dku6',1,'demo-11-26',NULL,NULL,'demo','published','2015-05-01','2015-05-31','month','SE',NULL,NULL,NULL,NULL,NULL,NULL,'country',NULL,0,'place_of_worship','hate_crime','Synthetic demo record: threats / threatening behaviour in Sweden.','Synthetic restricted narrative 26 (never public).','en','null','0.3.0','2026-01-01 00:00:00.000000','2026-01-01 00:00:00.000000',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
INSERT INTO "incidents" VALUES(28,'19b38ae2-d160-4b6f-bf5e-58a4523233e2','djg38b9wbqk',1,'demo-11-27',NULL,NULL,'demo','published','2021-03-01','2021-03-01','day','HU',NULL,NULL,NULL,NULL,46.253,20.14824,'municipality','Szeged',0,'victims_home','hate_crime','Synthetic demo record: threats / threatening behaviour in Szeged.','Synthetic restricted narrative 27 (never public).','en','null','0.3.0','2026-01-01 00:00:00.000000','2026-01-01 00:00:00.000000',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
INSERT INTO "incidents" VALUES(29,'e67ad6d1-2843-493e-a098-67f015d45cd0','dp9284xzeea',1,'demo-11-28',NULL,NULL,'demo','published','2024-12-01','2024-12-31','month','AT',NULL,NULL,NULL,NULL,NULL,NULL,'country',NULL,0,'school_university','hate_crime','Synthetic demo record: threats / threatening behaviour in Austria.','Synthetic restricted narrative 28 (never public).','en','null','0.3.0','2026-01-01 00:00:00.000000','2026-01-01 00:00:00.000000',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
INSERT INTO "incidents" VALUES(30,'0ebb9703-eada-4489-b184-3f0466880038','dzhp893ap82',1,'demo-11-29',NULL,NULL,'demo','published','2014-02-22','2014-02-22','day','DE',NULL,NULL,NULL,NULL,54.0887,12.14049,'municipality','Rostock',0,'public_transport','hate_crime','Synthetic demo record: vandalism / criminal damage in Rostock.','Synthetic restricted narrative 29 (never public).','en','null','0.3.0','2026-01-01 00:00:00.000000','2026-01-01 00:00:00.000000',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
INSERT INTO "incidents" VALUES(31,'eaf863a4-f813-4e60-a5e7-139c98eb8313','dc6ijc5sifk',1,'demo-11-30',NULL,NULL,'demo','published','2023-03-31','2023-03-31','day','ES',NULL,NULL,NULL,NULL,40.48205,-3.35996,'municipality','Alcalá de Henares',0,'shop_business','hate_crime','Synthetic demo record: threats / threatening behaviour in Alcalá de Henares.','Synthetic restricted narrative 30 (never public).','en','null','0.3.0','2026-01-01 00:00:00.000000','2026-01-01 00:00:00.000000',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
INSERT INTO "incidents" VALUES(32,'9f2c3320-fea6-4eac-817f-733471be17ba','dpbbfxt9aat',1,'demo-11-31',NULL,NULL,'demo','published','2016-05-10','2016-05-10','day','DE',NULL,NULL,NULL,NULL,51.42478,6.74144,'exact','Duisburg',0,'place_of_worship','hate_crime','Synthetic demo record: threats / threatening behaviour in Duisburg.','Synthetic restricted narrative 31 (never public).','en','null','0.3.0','2026-01-01 00:00:00.000000','2026-01-01 00:00:00.000000',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
INSERT INTO "incidents" VALUES(33,'cc6bed39-23e0-4a07-9d44-8b092b80294d','dcf7zsevg7i',1,'demo-11-32',NULL,NULL,'demo','published','2015-01-23','2015-01-23','day','DE',NULL,NULL,NULL,NULL,NULL,NULL,'country',NULL,1,'online','hate_speech_noncriminal','Synthetic demo record: online hate speech in Germany.','Synthetic restricted narrative 32 (never public).','en','null','0.3.0','2026-01-01 00:00:00.000000','2026-01-01 00:00:00.000000',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
INSERT INTO "incidents" VALUES(34,'22090f0b-99c5-4dc4-9807-19109cf34a33','dauk3n2yzvx',1,'demo-11-33',NULL,NULL,'demo','published','2014-11-14','2014-11-14','day','PL',NULL,NULL,NULL,NULL,NULL,NULL,'country',NULL,0,'police_detention','hate_crime','Synthetic demo record: violent attack against people (unspecified) in Poland.','Synthetic restricted narrative 33 (never public).','en','null','0.3.0','2026-01-01 00:00:00.000000','2026-01-01 00:00:00.000000',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
INSERT INTO "incidents" VALUES(35,'ad8ddda2-08f3-4789-a1e1-8597b1154ece','d2txk3fa54p',1,'demo-11-34',NULL,NULL,'demo','published','2016-08-20','2016-08-20','day','GR',NULL,NULL,NULL,NULL,NULL,NULL,'country',NULL,0,'place_of_worship','hate_crime','Synthetic demo record: violent attack against people (unspecified) in Greece.','Synthetic restricted narrative 34 (never public).','en','null','0.3.0','2026-01-01 00:00:00.000000','2026-01-01 00:00:00.000000',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
INSERT INTO "incidents" VALUES(36,'c6b6cda6-547c-4991-9893-4547ddf2491f','dtwdcsmpdgm',1,'demo-11-35',NULL,NULL,'demo','published','2023-02-28','2023-02-28','day','DE',NULL,NULL,NULL,NULL,NULL,NULL,'country',NULL,0,'workplace','hate_crime','Synthetic demo record: physical assault in Germany.','Synthetic restricted narrative 35 (never public).','en','null','0.3.0','2026-01-01 00:00:00.000000','2026-01-01 00:00:00.000000',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
INSERT INTO "incidents" VALUES(37,'c7139bf8-3942-4fe8-87f6-3fa994ab28bf','d6z9ktxsdwn',1,'demo-11-36',NULL,NULL,'demo','published','2019-07-01','2019-07-01','day','FR',NULL,NULL,NULL,NULL,NULL,NULL,'country',NULL,1,'online','hate_speech_noncriminal','Synthetic demo record: online hate speech in France.','Synthetic restricted narrative 36 (never public).','en','null','0.3.0','2026-01-01 00:00:00.000000','2026-01-01 00:00:00.000000',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
INSERT INTO "incidents" VALUES(38,'3cef2e7e-50c6-4f90-95b0-97b267233555','dwpxsdhsyh6',1,'demo-11-37',NULL,NULL,'demo','published','2024-01-29','2024-02-04','week','DE',NULL,NULL,NULL,NULL,NULL,NULL,'country',NULL,0,'victims_home','hate_crime','Synthetic demo record: theft / robbery / burglary with bias in Germany.','Synthetic restricted narrative 37 (never public).','en','null','0.3.0','2026-01-01 00:00:00.000000','2026-01-01 00:00:00.000000',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
INSERT INTO "incidents" VALUES(39,'bd4c7a74-ad46-4295-88d3-d1d91bce3b64','dj48a9rnm9u',1,'demo-11-38',NULL,NULL,'demo','published','2016-08-11','2016-08-11','day','PL',NULL,NULL,NULL,NULL,53.02064,18.59756,'exact','Toruń',0,'shop_business','hate_incident','Synthetic demo record: verbal abuse / insult in Toruń.','Synthetic restricted narrative 38 (never public).','en','null','0.3.0','2026-01-01 00:00:00.000000','2026-01-01 00:00:00.000000',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
INSERT INTO "incidents" VALUES(40,'7a31180c-a38f-421e-87d8-1e16be59441f','dncsz5pn8ga',1,'demo-11-39',NULL,NULL,'demo','published','2017-03-01','2017-03-31','month','DE',NULL,NULL,NULL,NULL,NULL,NULL,'country',NULL,0,'street_public_space','discrimination','Synthetic demo record: discriminatory practices by authorities in Germany.','Synthetic restricted narrative 39 (never public).','en','null','0.3.0','2026-01-01 00:00:00.000000','2026-01-01 00:00:00.000000',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
INSERT INTO "incidents" VALUES(41,'2c407bed-4214-4bc5-938e-fb0b8cd9100b','zzzjm63cvddprn23',2,'report:1',NULL,1,'member','submitted','2026-03-05','2026-03-05','day','DE',NULL,NULL,NULL,NULL,51.33962,12.37129,'municipality','Leipzig',0,'street_public_space','hate_crime',NULL,'Two men shouted and hit.','de','{"bias": [{"label": "bm.racism_xenophobia.anti_migrant", "codes": ["bm.racism_xenophobia.anti_migrant"], "method": "code"}], "indicator": [{"label": "bi.offender_remarks", "codes": ["bi.offender_remarks"], "method": "code"}], "type": [{"label": "it.violent_attack.physical_assault", "codes": ["it.violent_attack.physical_assault"], "method": "code"}, {"label": "it.verbal_abuse", "codes": ["it.verbal_abuse"], "method": "code"}]}','0.3.0','2026-12-06 22:44:13.910449','2026-12-06 22:44:13.910449','null','victim','evening',0,'individual',1,'null',NULL,NULL,'group_of_individuals',NULL,'minor_injury',NULL,NULL,'no',NULL,'["distrust_police"]',NULL,NULL,NULL,1,1,1,0,'2026-12-06 22:44:13.910449',NULL);
CREATE TABLE "ingest_runs" (
	id INTEGER NOT NULL, 
	source_id INTEGER NOT NULL, 
	started_at DATETIME NOT NULL, 
	finished_at DATETIME, 
	location TEXT NOT NULL, 
	rows_read INTEGER NOT NULL, 
	rows_loaded INTEGER NOT NULL, 
	rows_rejected INTEGER NOT NULL, 
	status VARCHAR(16) NOT NULL, 
	rows_merged INTEGER DEFAULT '0' NOT NULL, 
	rows_linked INTEGER DEFAULT '0' NOT NULL, 
	policy VARCHAR(16) DEFAULT 'member' NOT NULL, 
	options JSON, 
	CONSTRAINT pk_ingest_runs PRIMARY KEY (id), 
	CONSTRAINT fk_ingest_runs_source_id_sources FOREIGN KEY(source_id) REFERENCES sources (id)
);
CREATE TABLE label_issues (
	id INTEGER NOT NULL, 
	incident_id INTEGER NOT NULL, 
	kind VARCHAR(16) NOT NULL, 
	raw_label VARCHAR(300) NOT NULL, 
	label_key VARCHAR(300) NOT NULL, 
	status VARCHAR(16) NOT NULL, 
	CONSTRAINT pk_label_issues PRIMARY KEY (id), 
	CONSTRAINT fk_label_issues_incident_id_incidents FOREIGN KEY(incident_id) REFERENCES incidents (id) ON DELETE CASCADE
);
CREATE TABLE label_mappings (
	id INTEGER NOT NULL, 
	kind VARCHAR(16) NOT NULL, 
	label_key VARCHAR(300) NOT NULL, 
	codes JSON NOT NULL, 
	example VARCHAR(300) NOT NULL, 
	created_at DATETIME NOT NULL, 
	CONSTRAINT pk_label_mappings PRIMARY KEY (id), 
	CONSTRAINT uq_label_mappings_kind_key UNIQUE (kind, label_key)
);
CREATE TABLE login_attempts (
	id INTEGER NOT NULL, 
	account_key VARCHAR(64) NOT NULL, 
	address VARCHAR(64) NOT NULL, 
	at DATETIME NOT NULL, 
	succeeded BOOLEAN NOT NULL, 
	CONSTRAINT pk_login_attempts PRIMARY KEY (id)
);
INSERT INTO "login_attempts" VALUES(1,'39ac3379985caa0cef205e44e36aedccf03e2fc0f194c65e585ab714df46158b','192.0.2.1','2026-12-06 22:44:13.960708',0);
CREATE TABLE organisations (
	id INTEGER NOT NULL, 
	slug VARCHAR(64) NOT NULL, 
	name VARCHAR(200) NOT NULL, 
	country VARCHAR(2) NOT NULL, 
	public_name_opt_in BOOLEAN NOT NULL, 
	CONSTRAINT pk_organisations PRIMARY KEY (id), 
	CONSTRAINT uq_organisations_slug UNIQUE (slug)
);
INSERT INTO "organisations" VALUES(1,'ngo-leipzig','An NGO in Leipzig','DE',0);
INSERT INTO "organisations" VALUES(2,'ngo-lyon','An NGO in Lyon','FR',0);
CREATE TABLE record_access (
	id INTEGER NOT NULL, 
	at DATETIME NOT NULL, 
	user_id INTEGER NOT NULL, 
	role VARCHAR(16) NOT NULL, 
	kind VARCHAR(32) NOT NULL, 
	"query" TEXT NOT NULL, 
	records INTEGER NOT NULL, 
	data_release VARCHAR(16) NOT NULL, record_ids TEXT, fields TEXT, 
	CONSTRAINT pk_record_access PRIMARY KEY (id), 
	CONSTRAINT fk_record_access_user_id_users FOREIGN KEY(user_id) REFERENCES users (id)
);
CREATE TABLE releases (
	id INTEGER NOT NULL, 
	name VARCHAR(64) NOT NULL, 
	data_release VARCHAR(16) NOT NULL, 
	created_at DATETIME NOT NULL, 
	row_count INTEGER NOT NULL, 
	synthetic BOOLEAN NOT NULL, 
	files JSON NOT NULL, 
	CONSTRAINT pk_releases PRIMARY KEY (id), 
	CONSTRAINT uq_releases_name UNIQUE (name)
);
INSERT INTO "releases" VALUES(1,'fixture-release','86caba7c915d6351','2026-12-06 00:00:00.000000',38,1,'{"parquet": {"path": "releases/fixture-release/incidentmap-fixture-release.parquet", "sha256": "c4dc25bd56387df325076ffe924b34fd96be086bd62aa009cb6b4703e96d88ab", "bytes": 18390}, "datapackage": {"path": "releases/fixture-release/incidentmap-fixture-release.zip", "sha256": "9f2c17b09c26cc4ec81c745d9d5c1b1d0072c2cc31ec92929c2d871e0893e23e", "bytes": 8566}}');
CREATE TABLE reports (
	id INTEGER NOT NULL, 
	organisation_id INTEGER NOT NULL, 
	created_by INTEGER NOT NULL, 
	updated_by INTEGER NOT NULL, 
	idempotency_key VARCHAR(64) NOT NULL, 
	status VARCHAR(16) NOT NULL, 
	form JSON NOT NULL, 
	incident_id INTEGER, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	submitted_at DATETIME, 
	CONSTRAINT pk_reports PRIMARY KEY (id), 
	CONSTRAINT ck_reports_status CHECK (status = 'draft' OR status = 'submitted'), 
	CONSTRAINT fk_reports_created_by_users FOREIGN KEY(created_by) REFERENCES users (id), 
	CONSTRAINT fk_reports_incident_id_incidents FOREIGN KEY(incident_id) REFERENCES incidents (id) ON DELETE SET NULL, 
	CONSTRAINT fk_reports_organisation_id_organisations FOREIGN KEY(organisation_id) REFERENCES organisations (id), 
	CONSTRAINT fk_reports_updated_by_users FOREIGN KEY(updated_by) REFERENCES users (id), 
	CONSTRAINT uq_reports_org_key UNIQUE (organisation_id, idempotency_key)
);
INSERT INTO "reports" VALUES(1,1,1,1,'vL4n5MBHXiDDVv5yb6ZQPQ','submitted','{"date": "2026-03-05", "date_precision": "day", "time_of_day": "evening", "country": "DE", "is_online": false, "location_type": "street_public_space", "place": "Leipzig", "geo_precision": "municipality", "types": ["it.violent_attack.physical_assault", "it.verbal_abuse"], "types_primary": "it.violent_attack.physical_assault", "attempted": false, "harm_severity": "minor_injury", "classification": "hate_crime", "bias": ["bm.racism_xenophobia.anti_migrant"], "indicators": ["bi.offender_remarks"], "target_type": "individual", "victim_count": "1", "perpetrator_type": "group_of_individuals", "reported_to_police": "no", "reasons_not_reported": ["distrust_police"], "source_type": "victim", "narrative": "Two men shouted and hit.", "narrative_lang": "de", "consent_record": true, "consent_share_network": true, "consent_publish_aggregate": true}',41,'2026-12-06 22:44:13.910449','2026-12-06 22:44:13.910449','2026-12-06 22:44:13.910449');
CREATE TABLE sources (
	id INTEGER NOT NULL, 
	slug VARCHAR(64) NOT NULL, 
	name VARCHAR(200) NOT NULL, 
	kind VARCHAR(32) NOT NULL, 
	policy VARCHAR(16) NOT NULL, 
	licence VARCHAR(200) NOT NULL, 
	attribution TEXT NOT NULL, 
	url VARCHAR(500) NOT NULL, 
	CONSTRAINT pk_sources PRIMARY KEY (id), 
	CONSTRAINT ck_sources_policy CHECK (policy IN ('open', 'member', 'demo')), 
	CONSTRAINT uq_sources_slug UNIQUE (slug)
);
INSERT INTO "sources" VALUES(1,'demo','Synthetic demo data','demo','demo','CC0-1.0','SYNTHETIC DEMO DATA: these records were generated by `incidentmap demo` and describe no real incident.','');
INSERT INTO "sources" VALUES(2,'ngo-leipzig','An NGO in Leipzig','organisation','member','','','');
ANALYZE "sqlite_master";
INSERT INTO "sqlite_stat1" VALUES('incidents','ix_incidents_updated_at','40 40');
INSERT INTO "sqlite_stat1" VALUES('incidents','ix_incidents_status_date','40 20 1');
INSERT INTO "sqlite_stat1" VALUES('incidents','ix_incidents_country','40 2');
INSERT INTO "sqlite_stat1" VALUES('incidents','sqlite_autoindex_incidents_3','40 1');
INSERT INTO "sqlite_stat1" VALUES('incidents','sqlite_autoindex_incidents_2','40 40 1');
INSERT INTO "sqlite_stat1" VALUES('incidents','sqlite_autoindex_incidents_1','40 1');
INSERT INTO "sqlite_stat1" VALUES('dataset_state',NULL,'1');
INSERT INTO "sqlite_stat1" VALUES('incident_bias_indicators','ix_incident_bias_indicators_code','65 4 1');
INSERT INTO "sqlite_stat1" VALUES('incident_bias_indicators','sqlite_autoindex_incident_bias_indicators_1','65 2 1');
INSERT INTO "sqlite_stat1" VALUES('sources','sqlite_autoindex_sources_1','1 1');
INSERT INTO "sqlite_stat1" VALUES('incident_bias_motivations','ix_incident_bias_motivations_code','47 3 1');
INSERT INTO "sqlite_stat1" VALUES('incident_bias_motivations','sqlite_autoindex_incident_bias_motivations_1','47 2 1');
INSERT INTO "sqlite_stat1" VALUES('alembic_version','sqlite_autoindex_alembic_version_1','1 1');
INSERT INTO "sqlite_stat1" VALUES('incident_types','ix_incident_types_code','41 3 1');
INSERT INTO "sqlite_stat1" VALUES('incident_types','sqlite_autoindex_incident_types_1','41 1 1');
CREATE TABLE users (
	id INTEGER NOT NULL, 
	email VARCHAR(254) NOT NULL, 
	name VARCHAR(200) NOT NULL, 
	role VARCHAR(16) NOT NULL, 
	organisation_id INTEGER, 
	password_hash VARCHAR(255), 
	totp_secret VARCHAR(64), 
	totp_enabled BOOLEAN NOT NULL, 
	active BOOLEAN NOT NULL, 
	session_version INTEGER NOT NULL, 
	created_at DATETIME NOT NULL, 
	last_login_at DATETIME, 
	CONSTRAINT pk_users PRIMARY KEY (id), 
	CONSTRAINT ck_users_reporter_has_organisation CHECK (role <> 'reporter' OR organisation_id IS NOT NULL), 
	CONSTRAINT ck_users_role CHECK (role = 'researcher' OR role = 'reporter' OR role = 'moderator' OR role = 'admin'), 
	CONSTRAINT fk_users_organisation_id_organisations FOREIGN KEY(organisation_id) REFERENCES organisations (id), 
	CONSTRAINT uq_users_email UNIQUE (email)
);
INSERT INTO "users" VALUES(1,'rep@example.org','','reporter',1,NULL,NULL,0,1,1,'2026-12-06 22:43:58.875694',NULL);
INSERT INTO "users" VALUES(2,'other@example.org','','reporter',2,NULL,NULL,0,1,1,'2026-12-06 22:43:58.888310',NULL);
INSERT INTO "users" VALUES(3,'mod@example.org','','moderator',NULL,NULL,NULL,0,1,1,'2026-12-06 22:43:58.899815',NULL);
INSERT INTO "users" VALUES(4,'admin@example.org','','admin',NULL,NULL,NULL,0,1,1,'2026-12-06 22:43:58.901362',NULL);
INSERT INTO "users" VALUES(5,'res@example.org','','researcher',NULL,NULL,NULL,0,1,1,'2026-12-06 22:43:58.908214',NULL);
CREATE TABLE vault_files (
	id INTEGER NOT NULL, 
	incident_id INTEGER NOT NULL, 
	person_id INTEGER, 
	meta BLOB NOT NULL, 
	payload BLOB NOT NULL, 
	size INTEGER NOT NULL, 
	created_at DATETIME NOT NULL, 
	created_by INTEGER NOT NULL, 
	CONSTRAINT pk_vault_files PRIMARY KEY (id), 
	CONSTRAINT fk_vault_files_created_by_users FOREIGN KEY(created_by) REFERENCES users (id), 
	CONSTRAINT fk_vault_files_incident_id_incidents FOREIGN KEY(incident_id) REFERENCES incidents (id) ON DELETE CASCADE, 
	CONSTRAINT fk_vault_files_person_id_vault_people FOREIGN KEY(person_id) REFERENCES vault_people (id) ON DELETE CASCADE
);
CREATE TABLE vault_people (
	id INTEGER NOT NULL, 
	incident_id INTEGER NOT NULL, 
	person_role VARCHAR(16) NOT NULL, 
	payload BLOB NOT NULL, 
	lookup JSON NOT NULL, 
	created_at DATETIME NOT NULL, 
	created_by INTEGER NOT NULL, 
	CONSTRAINT pk_vault_people PRIMARY KEY (id), 
	CONSTRAINT fk_vault_people_created_by_users FOREIGN KEY(created_by) REFERENCES users (id), 
	CONSTRAINT fk_vault_people_incident_id_incidents FOREIGN KEY(incident_id) REFERENCES incidents (id) ON DELETE CASCADE
);
INSERT INTO "vault_people" VALUES(1,41,'victim',X'6741414141414272466555394C4557715A4D506158387665436C71444B4E55705053564A6A44332D57756B784D6E4F395139675A776558674B4A59334156466B375353317855433772753775366D69743268567862534A5252336D505449676A324E4B764A72335343494468344A3334526E76386153456A43796168325179654E6F4934615653695F444D7653556F534B7A5745534C2D376672414F7352434635673D3D','["57baa4aa9bf8773d4b37c4e49f5a812d", "911d179373c1aa6c40dac3831040667e"]','2026-12-06 22:44:13.959400',1);
CREATE INDEX ix_incident_bias_indicators_code ON incident_bias_indicators (code, incident_id);
CREATE INDEX ix_incident_bias_motivations_code ON incident_bias_motivations (code, incident_id);
CREATE INDEX ix_incident_types_code ON incident_types (code, incident_id);
CREATE INDEX ix_label_issues_key ON label_issues (kind, label_key, status);
CREATE INDEX ix_incidents_country ON incidents (country);
CREATE INDEX ix_incidents_status_date ON incidents (status, date_start);
CREATE INDEX ix_login_attempts_account_at ON login_attempts (account_key, at);
CREATE INDEX ix_login_attempts_address_at ON login_attempts (address, at);
CREATE INDEX ix_record_access_user_at ON record_access (user_id, at);
CREATE INDEX ix_reports_org_status ON reports (organisation_id, status, updated_at);
CREATE INDEX ix_vault_people_incident ON vault_people (incident_id);
CREATE INDEX ix_vault_people_created ON vault_people (created_at);
CREATE INDEX ix_vault_files_incident ON vault_files (incident_id);
CREATE INDEX ix_vault_files_created ON vault_files (created_at);
CREATE INDEX ix_audit_log_user_at ON audit_log (user_id, at);
CREATE INDEX ix_audit_log_incident_at ON audit_log (incident_id, at);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER record_access_no_update BEFORE UPDATE ON record_access BEGIN SELECT RAISE(ABORT, 'record_access is append-only'); END;
CREATE TRIGGER record_access_no_delete BEFORE DELETE ON record_access BEGIN SELECT RAISE(ABORT, 'record_access is append-only'); END;
CREATE INDEX ix_incidents_updated_at ON incidents (updated_at);
COMMIT;
