//! Outgoing mail: SMTP through lettre (rustls), or, when the operator has
//! configured no SMTP server, `.eml` files in `data_dir/outbox/` so that
//! invitations work out of the box and can be read or forwarded by hand.

use std::path::PathBuf;

use lettre::message::{Mailbox, header::ContentType};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::{Config, SmtpConfig};

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("invalid address: {0}")]
    Address(String),
    #[error("could not build the message: {0}")]
    Build(#[from] lettre::error::Error),
    #[error("SMTP: {0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
    #[error("writing to the outbox: {0}")]
    Outbox(#[from] std::io::Error),
    #[error("SMTP security must be starttls, tls or none")]
    Security,
}

#[derive(Clone)]
pub enum Mailer {
    Smtp {
        transport: AsyncSmtpTransport<Tokio1Executor>,
        from: Mailbox,
    },
    Outbox {
        dir: PathBuf,
        from: Mailbox,
    },
}

impl Mailer {
    pub fn from_config(config: &Config) -> Result<Mailer, MailError> {
        let from: Mailbox = config
            .mail_from
            .parse()
            .map_err(|_| MailError::Address(config.mail_from.clone()))?;
        match &config.smtp {
            Some(smtp) => Ok(Mailer::Smtp {
                transport: smtp_transport(smtp)?,
                from,
            }),
            None => Ok(Mailer::Outbox {
                dir: config.data_dir.join("outbox"),
                from,
            }),
        }
    }

    pub async fn send(&self, to: &str, subject: &str, body: &str) -> Result<(), MailError> {
        self.send_with_id(to, subject, body, None).await
    }

    /// Sends with a chosen `Message-ID`, so that a message sent twice (a
    /// retry after a crash) can be recognised as one by the receiver.
    pub async fn send_with_id(
        &self,
        to: &str,
        subject: &str,
        body: &str,
        message_id: Option<String>,
    ) -> Result<(), MailError> {
        let to: Mailbox = to.parse().map_err(|_| MailError::Address(to.to_string()))?;
        let from = match self {
            Mailer::Smtp { from, .. } | Mailer::Outbox { from, .. } => from.clone(),
        };
        let message = Message::builder()
            .from(from)
            .to(to)
            .subject(subject)
            .message_id(message_id)
            .header(ContentType::TEXT_PLAIN)
            .body(body.to_string())?;
        match self {
            Mailer::Smtp { transport, .. } => {
                transport.send(message).await?;
            }
            Mailer::Outbox { dir, .. } => {
                tokio::fs::create_dir_all(dir).await?;
                let name = format!(
                    "{}-{}.eml",
                    crate::db::now(),
                    hex::encode(crate::secrets::random_bytes::<6>().unwrap_or_default())
                );
                tokio::fs::write(dir.join(name), message.formatted()).await?;
            }
        }
        Ok(())
    }
}

fn smtp_transport(smtp: &SmtpConfig) -> Result<AsyncSmtpTransport<Tokio1Executor>, MailError> {
    let builder = match smtp.security.as_str() {
        "starttls" => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&smtp.host)?,
        "tls" => AsyncSmtpTransport::<Tokio1Executor>::relay(&smtp.host)?,
        "none" => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.host),
        _ => return Err(MailError::Security),
    };
    // A stuck mail server must not hold a delivery slot for lettre's
    // default minute.
    let mut builder = builder
        .port(smtp.port)
        .timeout(Some(std::time::Duration::from_secs(20)));
    if let (Some(user), Some(password)) = (&smtp.username, &smtp.password) {
        builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
    }
    Ok(builder.build())
}
