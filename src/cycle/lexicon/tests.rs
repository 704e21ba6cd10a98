use super::*;

/// The terms a listing mentions as `category/term`, negated ones as `category/!term`.
fn found(listing: &str) -> Vec<String> {
    let lexicon = Lexicon::builtin().expect("the built-in lexicon parses");
    lexicon
        .extract(listing)
        .into_iter()
        .map(|m| format!("{}/{}{}", m.category, if m.negated { "!" } else { "" }, m.term))
        .collect()
}

macro_rules! listing {
    ($name:literal) => {
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/listings/", $name))
    };
}

#[test]
fn a_python_fintech_listing_yields_its_stack_process_and_remote_terms() {
    assert_eq!(
        found(listing!("python-fintech.txt")),
        [
            "languages/Python",
            "frameworks/FastAPI",
            "frameworks/Celery",
            "frameworks/SQLAlchemy",
            "apis/REST",
            "cloud/AWS",
            "containers/Docker",
            "containers/ECS",
            "infrastructure/Terraform",
            "infrastructure/CI/CD",
            "infrastructure/On-call",
            "databases/PostgreSQL",
            "messaging/RabbitMQ",
            "process/Take-home",
            "process/!Live coding",
            "process/System design interview",
            "remote/Time zones",
            "remote/Overlap hours",
            "remote/Async-first",
            "regions/Europe",
        ]
    );
}

#[test]
fn a_java_enterprise_listing_yields_spring_kafka_and_a_location_restriction() {
    assert_eq!(
        found(listing!("java-enterprise.txt")),
        [
            "languages/Java",
            "frameworks/Spring",
            "frameworks/Hibernate",
            "cloud/Azure",
            "containers/Kubernetes",
            "containers/OpenShift",
            "databases/PostgreSQL",
            "databases/Oracle",
            "messaging/Kafka",
            "messaging/Event-driven",
            "process/Live coding",
            "process/System design interview",
            "process/Behavioural interview",
            "remote/Time zones",
            "remote/Overlap hours",
            "remote/Location restriction",
            "regions/United Kingdom",
        ]
    );
}

#[test]
fn go_is_found_as_go_and_golang_but_not_in_good_going_or_google() {
    let terms = found(listing!("go-platform.txt"));
    assert_eq!(
        terms,
        [
            "languages/Python",
            "languages/Go",
            "cloud/GCP",
            "containers/Kubernetes",
            "containers/Helm",
            "containers/GKE",
            "infrastructure/Terraform",
            "infrastructure/Observability",
            "databases/Redis",
            "messaging/Pub/Sub",
            "process/!Take-home",
            "process/Live coding",
            "process/System design interview",
            "remote/Time zones",
        ]
    );
    assert!(found("We are a good team, going places. Let's go!").is_empty());
    assert!(found("We use Google Docs.").is_empty());
    assert_eq!(found("Golang or GoLang"), ["languages/Go"]);
}

#[test]
fn punctuated_names_match_node_js_c_sharp_dotnet_and_cpp() {
    assert_eq!(
        found(listing!("node-startup.txt")),
        [
            "languages/TypeScript",
            "languages/C#",
            "frameworks/Node.js",
            "frameworks/NestJS",
            "frameworks/.NET",
            "frameworks/ASP.NET",
            "frameworks/React",
            "apis/GraphQL",
            "cloud/AWS",
            "cloud/Lambda / serverless",
            "databases/MongoDB",
            "databases/Redis",
            "process/Take-home",
            "remote/Time zones",
            "remote/Async-first",
            "regions/Europe",
            "regions/United States",
        ]
    );
}

#[test]
fn look_alikes_are_not_mentions_and_negations_are_recognised() {
    assert_eq!(
        found(listing!("traps.txt")),
        [
            "languages/JavaScript",
            "languages/C#",
            "languages/C++",
            "databases/PostgreSQL",
            "process/!Take-home",
            "process/!Live coding",
        ]
    );
}

#[test]
fn aliases_map_to_one_term_in_any_case() {
    assert_eq!(found("We run K8S and postgres."), ["containers/Kubernetes", "databases/PostgreSQL"]);
    assert_eq!(found("POSTGRESQL, Postgres"), ["databases/PostgreSQL"]);
}

#[test]
fn case_sensitive_spellings_ignore_ordinary_words() {
    assert!(found("a spring in your step, a rust belt, we go swift").is_empty());
    assert_eq!(found("Rust and Spring"), ["languages/Rust", "frameworks/Spring"]);
}

#[test]
fn negation_ends_at_the_clause_and_looks_a_few_words_back() {
    assert_eq!(found("No LeetCode, a take-home instead."), ["process/Take-home", "process/!Live coding"]);
    assert_eq!(found("We don’t do take-home tasks."), ["process/!Take-home"]);
    assert_eq!(found("No, we do a take-home."), ["process/Take-home"]);
    assert_eq!(
        found("There will not be, in any of the four rounds, a take-home."),
        ["process/Take-home"],
        "the negator is in another clause"
    );
    assert_eq!(found("Not a single bit of Java"), ["languages/Java"], "only negatable terms can be negated");
}

#[test]
fn one_mention_that_is_not_negated_makes_the_listing_mention_it() {
    assert_eq!(found("No take-home for juniors; seniors do a take-home."), ["process/Take-home"]);
}

#[test]
fn line_breaks_and_hyphens_inside_a_phrase_still_match() {
    assert_eq!(found("a take\nhome task"), ["process/Take-home"]);
    assert_eq!(found("system-design round"), ["process/System design interview"]);
}

#[test]
fn a_broken_lexicon_names_the_line_and_field() {
    let text = "[[categories]]\nid = \"x\"\ntitle = \"X\"\nterms = [\n  { name = \"A\" },\n  { name = \"A\" },\n]\n";
    let e = Lexicon::parse("lexicon.toml", text).unwrap_err();
    assert_eq!((e.line, e.field.as_str()), (6, "categories[0].terms[1]"));
    let e = Lexicon::parse("lexicon.toml", "[[categories]]\nid = \"x\"\ntitle = 3\nterms = []\n").unwrap_err();
    assert_eq!(e.line, 3);
    let text = "[[categories]]\nid = \"x\"\ntitle = \"X\"\nterms = [ { name = \"A\", match = [\"\"] } ]\n";
    assert!(Lexicon::parse("l.toml", text).unwrap_err().message.contains("empty spelling"));
}
