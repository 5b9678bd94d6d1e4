//! HTTPS with rustls (ring provider, no OpenSSL). Each connection's
//! handshake runs in its own task with a deadline, so a slow or silent
//! client cannot hold up the accept loop.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tower::ServiceExt as _;

use crate::config::Config;
use crate::state::AppState;

const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

pub fn acceptor(config: &Config) -> anyhow::Result<TlsAcceptor> {
    let (Some(cert_path), Some(key_path)) = (&config.tls_cert, &config.tls_key) else {
        anyhow::bail!("TLS needs both a certificate and a key");
    };
    let certs = CertificateDer::pem_file_iter(cert_path)
        .and_then(|iter| iter.collect::<Result<Vec<_>, _>>())
        .map_err(|e| {
            anyhow::anyhow!(
                "cannot read the certificate chain {}: {e}",
                cert_path.display()
            )
        })?;
    let key = PrivateKeyDer::from_pem_file(key_path)
        .map_err(|e| anyhow::anyhow!("cannot read the private key {}: {e}", key_path.display()))?;
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let mut server = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| anyhow::anyhow!("the certificate and key do not fit together: {e}"))?;
    server.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(TlsAcceptor::from(Arc::new(server)))
}

pub async fn serve(state: AppState, listener: TcpListener, app: Router) -> anyhow::Result<()> {
    let acceptor = acceptor(&state.config)?;
    let addr = listener.local_addr()?;
    tracing::info!(%addr, "Lookout is listening (HTTPS)");
    let graceful = GracefulShutdown::new();
    let shutdown = crate::runtime::shutdown_signal(state.stopping.clone());
    tokio::pin!(shutdown);
    loop {
        let (tcp, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(err) => {
                    tracing::warn!(error = %err, "accept failed");
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let acceptor = acceptor.clone();
        let app = app.clone();
        let watcher = graceful.watcher();
        tokio::spawn(async move {
            let Ok(Ok(tls)) = tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(tcp)).await
            else {
                return;
            };
            let service = hyper::service::service_fn(
                move |mut request: hyper::Request<hyper::body::Incoming>| {
                    request.extensions_mut().insert(ConnectInfo(peer));
                    app.clone().oneshot(request.map(axum::body::Body::new))
                },
            );
            let builder = Builder::new(TokioExecutor::new());
            let connection = builder.serve_connection_with_upgrades(TokioIo::new(tls), service);
            let _ = watcher.watch(connection.into_owned()).await;
        });
    }
    graceful.shutdown().await;
    Ok(())
}
