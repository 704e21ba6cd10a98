//! The command-line reference (`docs/cli.md`), generated from the clap command tree so it
//! cannot drift from what `grill --help` says; a test compares the file with this.

use std::fmt::Write;

use clap::Command;

/// Markdown for `command` and every subcommand under it.
pub fn markdown(command: &Command) -> String {
    let mut out = String::from(
        "# grill command-line reference\n\nGenerated from the program's own help (`cargo test` checks that this file is \
         current; `GRILL_UPDATE_DOCS=1 cargo test cli::` rewrites it).\n",
    );
    section(&mut out, command, &[]);
    out
}

fn section(out: &mut String, command: &Command, parents: &[&str]) {
    let mut path: Vec<&str> = parents.to_vec();
    path.push(command.get_name());
    let name = path.join(" ");
    let _ = write!(out, "\n{} `{name}`\n\n", "#".repeat(path.len().min(3) + 1));
    if let Some(about) = command.get_long_about().or(command.get_about()) {
        let _ = writeln!(out, "{about}\n");
    }
    let mut usage = command.clone().bin_name(name.clone());
    let _ = writeln!(out, "```\n{}\n```", usage.render_usage().to_string().trim_start_matches("Usage: "));
    let args: Vec<&clap::Arg> = command
        .get_arguments()
        .filter(|a| !a.is_hide_set() && a.get_id() != "help" && a.get_id() != "version")
        .collect();
    if !args.is_empty() {
        out.push('\n');
        for arg in args {
            let flag = match (arg.get_long(), arg.get_short()) {
                (Some(long), Some(short)) => format!("-{short}, --{long}"),
                (Some(long), None) => format!("--{long}"),
                (None, Some(short)) => format!("-{short}"),
                (None, None) => arg.get_value_names().map(|v| v.join(" ")).unwrap_or_else(|| arg.get_id().to_string()),
            };
            let value = match (arg.get_long().or(arg.get_short().map(|_| "")), arg.get_value_names()) {
                (Some(_), Some(names)) if arg.get_action().takes_values() => {
                    format!(" {}", names.iter().map(|n| format!("<{n}>")).collect::<Vec<_>>().join(" "))
                }
                _ => String::new(),
            };
            let help = arg.get_help().map(|h| h.to_string()).unwrap_or_default().replace('\n', " ");
            let default: Vec<String> =
                arg.get_default_values().iter().map(|v| v.to_string_lossy().into_owned()).collect();
            let default = if default.is_empty() || arg.is_global_set() {
                String::new()
            } else {
                format!(" [default: {}]", default.join(", "))
            };
            let _ = writeln!(out, "- `{flag}{value}`: {help}{default}");
        }
    }
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set() && s.get_name() != "help") {
        section(out, sub, &path);
    }
}
