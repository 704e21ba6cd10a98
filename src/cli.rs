//! The command tree (clap derive) and nothing else.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::values::{Area, DayOrInstant, Span};

/// grill: drill backend-interview questions with spaced repetition.
///
/// With no command, starts today's drill.
#[derive(Debug, Parser)]
#[command(name = "grill", version, about, long_about, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Options every command takes.
#[derive(Debug, Clone, Args)]
pub struct Global {
    /// The database file [default: the platform data dir, e.g. ~/.local/share/grill/grill.db]
    #[arg(long, global = true, env = "GRILL_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// The config file [default: the platform config dir, e.g. ~/.config/grill/config.toml]
    #[arg(long, global = true, env = "GRILL_CONFIG", value_name = "PATH")]
    pub config: Option<PathBuf>,
}

/// grill's commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Today's drill: due reviews and new cards, interleaved across areas (the default command)
    Drill(DrillArgs),
    /// Each deck with its areas and card counts
    Decks,
    /// Browse cards and their scheduling state
    Cards(CardsArgs),
    /// One card whole: prompt, key points, example, follow-ups, schedule and every answer
    Show(CardIdArgs),
    /// Suspend a card: it leaves the drill until unsuspended
    Suspend(CardIdArgs),
    /// Bring a suspended card back into the drill
    Unsuspend(CardIdArgs),
    /// Readiness: a 1-5 score per area from the memory model, beside your own rating
    Score(ScoreArgs),
    /// Import decks from TOML, CSV/TSV, Markdown or Anki packages (.apkg, .colpkg); safe to repeat
    Import(ImportArgs),
    /// Export decks as TOML, CSV or Markdown, or the review log as CSV
    Export(ExportArgs),
    /// Today's plan: cards due and new per area with estimated minutes (--month: the four-week refresh cycle)
    Plan(PlanArgs),
    /// Cram for an interview: the cards that raise your readiness on the day most, in the minutes you have
    Cram(CramArgs),
    /// Upcoming interviews that `grill cram` prepares for
    #[command(subcommand)]
    Interview(InterviewCommand),
    /// Show or change the settings in config.toml (comments are kept)
    #[command(subcommand)]
    Config(ConfigCommand),
    /// The interview log: `grill log add` after each real interview; `grill log` lists them
    Log(LogArgs),
    /// Areas and tags where interviews keep going badly, and the cards that close each gap
    Gaps(GapsArgs),
    /// A mock interview round: questions with follow-ups under a round's clock, then a rubric
    Mock(MockArgs),
    /// Market review: keep job listings (`grill market add`) and tally what they ask for
    Market(MarketArgs),
    /// The one-page backend interview dashboard
    Dashboard(DashboardArgs),
    /// The hand-written half of the dashboard (profile.toml next to config.toml)
    Profile(ProfileArgs),
    /// Recurring calendar reminders for the preparation cycle, as an iCalendar (.ics) file
    Remind(RemindArgs),
    /// Edit one card in $EDITOR: rewrite a card (a leech) in your own words, or write the answer to
    /// an interview question
    Edit(EditArgs),
    /// Copy the database to a file (safe while another grill is running)
    Backup(BackupArgs),
    /// Replace the database with a backup; the current database is kept in the backups folder
    Restore(RestoreArgs),
    /// Your progress: activity, streak, true retention, due forecast, answer times, leeches
    Stats(StatsArgs),
    /// Fit the memory model (FSRS-6) to your own reviews, and what each desired retention costs
    Optimize(OptimizeArgs),
    /// One self-contained HTML page with charts of your progress, to read or print
    Report(ReportArgs),
    /// Recompute every card's schedule from the review log (maintenance; the log is never changed)
    Rebuild,
    /// Print a shell completion script: `grill completions bash > ~/.local/share/bash-completion/completions/grill`
    Completions {
        /// The shell
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff): `grill man > ~/.local/share/man/man1/grill.1`
    Man,
    /// Merge reviews with your other machines through a folder a sync tool shares (Syncthing, Dropbox...)
    Sync(SyncArgs),
}

/// `grill sync`.
#[derive(Debug, Clone, Args)]
pub struct SyncArgs {
    /// The shared folder [default: sync_dir from config.toml]
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// `grill drill`.
#[derive(Debug, Default, Clone, Args)]
pub struct DrillArgs {
    /// Only cards of this area (repeatable)
    #[arg(long = "area", value_name = "AREA")]
    pub areas: Vec<Area>,
    /// New cards to introduce in this session (overrides what is left of today's limit)
    #[arg(long, value_name = "N")]
    pub new: Option<usize>,
    /// Reviews to take in this session (overrides what is left of today's review limit)
    #[arg(long, value_name = "N")]
    pub reviews: Option<usize>,
    /// At most this many cards in this session
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    /// Stop offering new cards after this many minutes
    #[arg(long, value_name = "M")]
    pub minutes: Option<u64>,
}

/// `grill cards`.
#[derive(Debug, Clone, Args)]
pub struct CardsArgs {
    /// Only cards of this deck (repeatable)
    #[arg(long = "deck", value_name = "DECK")]
    pub decks: Vec<String>,
    /// Only cards of this area (repeatable)
    #[arg(long = "area", value_name = "AREA")]
    pub areas: Vec<Area>,
    /// Only cards whose id, prompt, answer or tags contain TEXT
    #[arg(long, value_name = "TEXT")]
    pub search: Option<String>,
    /// Only cards due today
    #[arg(long)]
    pub due: bool,
    /// Only cards never answered
    #[arg(long = "new")]
    pub new_only: bool,
    /// Only suspended cards
    #[arg(long)]
    pub suspended: bool,
    /// Only leeches (forgotten 8 times or more)
    #[arg(long)]
    pub leeches: bool,
    /// One JSON array instead of a table
    #[arg(long)]
    pub json: bool,
}

/// A command that takes one card.
#[derive(Debug, Clone, Args)]
pub struct CardIdArgs {
    /// The card's id as `grill cards` shows it (e.g. sql/running-total-window), the start of
    /// it when only one id starts so, or text from its prompt when only one card has it
    pub card: String,
}

/// `grill score`.
#[derive(Debug, Clone, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ScoreArgs {
    #[command(subcommand)]
    pub action: Option<ScoreAction>,
    /// The scorecard at DATE (YYYY-MM-DD: the end of that day; or an RFC 3339 time), assuming no
    /// practice after it
    #[arg(long, value_name = "DATE", conflicts_with = "in_days")]
    pub at: Option<DayOrInstant>,
    /// The scorecard projected this far ahead (5d, 2w), assuming no more practice
    #[arg(long = "in", id = "in_days", value_name = "SPAN")]
    pub in_days: Option<Span>,
    /// Only this area (repeatable)
    #[arg(long = "area", value_name = "AREA")]
    pub areas: Vec<Area>,
    /// The score per area per week, replayed from the review log
    #[arg(long)]
    pub history: bool,
    /// Weeks of history to show
    #[arg(long, value_name = "N", default_value_t = 12, requires = "history",
          value_parser = clap::value_parser!(u32).range(1..=520))]
    pub weeks: u32,
    /// JSON instead of a table (fields documented in docs/scorecard.md)
    #[arg(long)]
    pub json: bool,
}

/// `grill score` subcommands.
#[derive(Debug, Clone, Subcommand)]
pub enum ScoreAction {
    /// Record your own rating of an area, 1-5 (earlier ratings are kept)
    Set {
        /// An area (e.g. sql, system-design) or a dimension (language-depth, remote-communication)
        area: String,
        /// Your rating: 1 (not ready) to 5 (ready)
        #[arg(value_parser = clap::value_parser!(u8).range(1..=5))]
        rating: u8,
    },
}

/// `grill import`.
#[derive(Debug, Clone, Args)]
pub struct ImportArgs {
    /// Files to import: .toml, .csv, .tsv, .txt (Anki plain text), .md, .apkg, .colpkg; a folder imports every such file in it
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Put every card into this deck [default: from the file name or the Anki deck name]
    #[arg(long, value_name = "ID")]
    pub deck: Option<String>,
    /// The area of every imported card (e.g. sql, system-design) [default: the file's, else the deck's stored area, else guessed from the deck name]
    #[arg(long, value_name = "AREA")]
    pub area: Option<String>,
    /// Show what would be added, updated, unchanged and missing, and write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Anki packages: schedule cards from their replayed memory state instead of keeping
    /// the due dates Anki had
    #[arg(long)]
    pub reschedule: bool,
}

/// `grill export`.
#[derive(Debug, Clone, Args)]
pub struct ExportArgs {
    /// Only this deck (repeatable) [default: every imported deck]
    #[arg(long = "deck", value_name = "ID")]
    pub decks: Vec<String>,
    /// The file format [default: from the extension of -o FILE (.csv, .md), else toml]
    #[arg(long, value_enum)]
    pub format: Option<ExportFormat>,
    /// Write to this file, or into this folder (one file per deck) when it exists or ends
    /// with `/`; `-` is standard output [default: standard output]
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Export the review log as CSV (card id, time, rating, kind, duration) instead of decks
    #[arg(long, conflicts_with_all = ["decks", "format"])]
    pub reviews: bool,
}

/// The formats `grill export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    Toml,
    Csv,
    Md,
    /// An Anki package of the cards with their schedule and review history, for Anki and
    /// AnkiDroid; import Anki's export of it back to bring the answers home (docs/sync.md)
    Apkg,
}

/// `grill plan`.
#[derive(Debug, Clone, Args)]
pub struct PlanArgs {
    /// The four-week refresh cycle (language, SQL, one system design, behavioural), weakest first
    #[arg(long)]
    pub month: bool,
    /// With --month: minutes each week has for drilling
    #[arg(long, value_name = "M", default_value_t = 120, requires = "month")]
    pub week_minutes: u32,
    /// Only cards of this area (repeatable)
    #[arg(long = "area", value_name = "AREA")]
    pub areas: Vec<Area>,
}

/// `grill cram`.
#[derive(Debug, Clone, Args)]
pub struct CramArgs {
    /// The interview day: YYYY-MM-DD or an RFC 3339 time [default: the next `grill interview`]
    #[arg(long, value_name = "DATE", conflicts_with = "within")]
    pub until: Option<DayOrInstant>,
    /// The interview is this many days or weeks away: 3d, 2w
    #[arg(long = "in", value_name = "SPAN")]
    pub within: Option<Span>,
    /// Target role (repeatable) [default: the interview's roles, else config.toml's]
    #[arg(long = "role", value_name = "ROLE")]
    pub roles: Vec<String>,
    /// Only cards of this area (repeatable)
    #[arg(long = "area", value_name = "AREA")]
    pub areas: Vec<Area>,
    /// Minutes you have for this session
    #[arg(long, value_name = "N", default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=1440))]
    pub minutes: u32,
    /// Log answers without touching any card's schedule (a pure preview)
    #[arg(long)]
    pub no_reschedule: bool,
    /// Only the cards `grill gaps` names: the questions that went badly in interviews and the
    /// drill cards that close those gaps [default day without an interview: tomorrow]
    #[arg(long)]
    pub gaps: bool,
}

/// `grill interview ...`.
#[derive(Debug, Clone, Subcommand)]
pub enum InterviewCommand {
    /// Record an upcoming interview
    Add(InterviewAddArgs),
    /// List upcoming interviews
    List,
    /// Forget an upcoming interview (by the id `grill interview list` shows)
    Remove {
        /// The interview's id
        id: i64,
    },
}

/// `grill interview add`.
#[derive(Debug, Clone, Args)]
pub struct InterviewAddArgs {
    /// A name for it, e.g. the company: "Acme (platform team)"
    pub name: String,
    /// The day: YYYY-MM-DD or an RFC 3339 time
    #[arg(long, value_name = "DATE")]
    pub on: DayOrInstant,
    /// The role type it is for (repeatable) [default: the roles in config.toml]
    #[arg(long = "role", value_name = "ROLE")]
    pub roles: Vec<String>,
}

/// `grill config ...`.
#[derive(Debug, Clone, Subcommand)]
pub enum ConfigCommand {
    /// Print every setting, or one
    Get {
        /// A setting's name, e.g. roles
        key: Option<String>,
    },
    /// Change one setting; lists (roles, languages) are comma-separated, empty to clear
    Set {
        /// A setting's name, e.g. roles
        key: String,
        /// The new value, e.g. platform,product
        value: String,
    },
    /// Print where config.toml is
    Path,
}

/// `grill log`.
#[derive(Debug, Clone, Args)]
pub struct LogArgs {
    #[command(subcommand)]
    pub command: Option<LogCommand>,
}

/// `grill log` subcommands (none: list the interviews).
#[derive(Debug, Clone, Subcommand)]
pub enum LogCommand {
    /// Log an interview: prompts on a terminal; for scripts give the flags and the questions on
    /// stdin, one per line: `AREA[:TAG,TAG] RATING question text` (RATING 1-4 or again, hard,
    /// good, easy; blank lines and # comments are skipped)
    Add(LogAddArgs),
    /// One interview with its questions
    Show {
        /// The interview's number, as `grill log` shows it
        id: i64,
    },
}

/// `grill log add`.
#[derive(Debug, Clone, Default, Args)]
pub struct LogAddArgs {
    /// The company
    #[arg(long)]
    pub company: Option<String>,
    /// The day of the interview, YYYY-MM-DD [default: today]
    #[arg(long, value_name = "DATE")]
    pub on: Option<chrono::NaiveDate>,
    /// The role type: product, platform, data, enterprise or startup
    #[arg(long, value_parser = crate::cycle::interview::parse_role)]
    pub role: Option<String>,
    /// live-coding, take-home, system-design, behavioral or mixed
    #[arg(long)]
    pub format: Option<crate::cycle::interview::Format>,
    /// A question as `AREA[:TAG,TAG] RATING question text` (repeatable; stdin is then not read)
    #[arg(long = "question", value_name = "LINE")]
    pub questions: Vec<String>,
}

/// `grill mock`.
#[derive(Debug, Clone, Args)]
pub struct MockArgs {
    /// system-design, behavioral, live-coding or mixed
    #[arg(long, default_value = "mixed", value_parser = crate::cycle::mock::parse_format)]
    pub format: crate::cycle::interview::Format,
    /// The role type: product, platform, data, enterprise or startup [default: the interview's,
    /// else config.toml's, else profile.toml's]
    #[arg(long, value_parser = crate::cycle::interview::parse_role)]
    pub role: Option<String>,
    /// The round's length [default: 45, behavioral 30]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(5..=240))]
    pub minutes: Option<u32>,
    /// The company the round prepares for [default: the next `grill interview`]
    #[arg(long)]
    pub company: Option<String>,
    /// Also write the round's transcript (Markdown) here; a copy is always kept in the data dir
    #[arg(long, value_name = "FILE.md")]
    pub transcript: Option<PathBuf>,
}

/// `grill gaps`.
#[derive(Debug, Clone, Args)]
pub struct GapsArgs {
    /// One JSON array instead of text
    #[arg(long)]
    pub json: bool,
}

/// `grill market`.
#[derive(Debug, Clone, Args)]
pub struct MarketArgs {
    #[command(subcommand)]
    pub command: Option<MarketCommand>,
    /// The review period, compared with the one before it: 30d, 6w or all
    #[arg(long, default_value = "30d", value_name = "PERIOD")]
    pub since: crate::cycle::market::Period,
    /// One JSON object instead of text
    #[arg(long)]
    pub json: bool,
}

/// `grill market` subcommands (none: the review).
#[derive(Debug, Clone, Subcommand)]
pub enum MarketCommand {
    /// Keep job listings (plain text): files, or `-` for stdin. A line holding only `---`
    /// separates several listings in one input
    Add {
        /// Files with listings (a folder: every file in it), or `-` to paste on stdin
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
    /// The stored listings of the period, with what each mentions
    List,
}

/// `grill dashboard`.
#[derive(Debug, Clone, Args)]
pub struct DashboardArgs {
    /// Also write the page as Markdown to FILE (`-` for stdout only)
    #[arg(long, value_name = "FILE")]
    pub md: Option<PathBuf>,
}

/// `grill profile`.
#[derive(Debug, Clone, Args)]
pub struct ProfileArgs {
    #[command(subcommand)]
    pub command: ProfileCommand,
}

/// `grill profile` subcommands.
#[derive(Debug, Clone, Subcommand)]
pub enum ProfileCommand {
    /// Open profile.toml in $EDITOR (created from a template the first time); checked on save
    Edit,
    /// Print where profile.toml lives
    Path,
}

/// `grill remind`.
#[derive(Debug, Clone, Args)]
pub struct RemindArgs {
    /// Write the calendar to FILE (`-` for stdout)
    #[arg(long, value_name = "FILE")]
    pub ics: PathBuf,
    /// The time of the daily drill, HH:MM local time
    #[arg(long, default_value = "09:00", value_name = "HH:MM", value_parser = crate::cycle::ics::parse_time)]
    pub time: chrono::NaiveTime,
    /// The first day reminders may fall on, YYYY-MM-DD [default: tomorrow]
    #[arg(long, value_name = "DATE")]
    pub start: Option<chrono::NaiveDate>,
}

/// `grill backup`.
#[derive(Debug, Clone, Args)]
pub struct BackupArgs {
    /// Where to write the copy [default: backups/grill-DATE-TIME.db beside the database]
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// `grill restore`.
#[derive(Debug, Clone, Args)]
pub struct RestoreArgs {
    /// A copy made by `grill backup` (or a grill database file)
    pub file: PathBuf,
}

/// `grill stats`.
#[derive(Debug, Clone, Args)]
pub struct StatsArgs {
    /// Only cards of this area (repeatable)
    #[arg(long = "area", value_name = "AREA")]
    pub areas: Vec<Area>,
    /// One JSON object instead of text
    #[arg(long)]
    pub json: bool,
}

/// `grill optimize`.
#[derive(Debug, Clone, Args)]
pub struct OptimizeArgs {
    /// Fit and compare, but keep the parameters in use
    #[arg(long, conflicts_with = "reset")]
    pub dry_run: bool,
    /// Go back to the default parameters
    #[arg(long)]
    pub reset: bool,
}

/// `grill edit`.
#[derive(Debug, Clone, Args)]
pub struct EditArgs {
    /// The card's id, as `grill cards` shows it (e.g. sql/running-total-window)
    pub card: String,
    /// Drop your rewrite of a built-in card: its built-in text shows again
    #[arg(long)]
    pub reset: bool,
}

/// `grill report`.
#[derive(Debug, Clone, Args)]
pub struct ReportArgs {
    /// Where to write the HTML file (`-` for standard output)
    #[arg(short, long, value_name = "FILE.html", default_value = "grill-report.html")]
    pub output: PathBuf,
}
