package io.holdfast.launcher.browser;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * A headless Chromium driven directly over the Chrome DevTools Protocol, for browser tests of the launcher's pages.
 *
 * <p>There is deliberately no Selenium and no chromedriver: a driver binary has to match the browser's exact version
 * and would be one more download, while CDP is spoken by every Chromium over a WebSocket that the JDK already has.
 * The browser itself is Debian's {@code chromium} package, which {@link #ensureInstalled(Duration)} installs with
 * apt-get when the test setup finds it missing, so the build never fetches a browser from a vendor's CDN.
 *
 * <p>The machine's network is closed. Without {@code --disable-background-networking}, {@code
 * --disable-component-update}, {@code --disable-sync} and friends, Chromium keeps trying to reach Google hosts
 * (component updates, safe browsing lists, field trials), which slows start-up and fills the log with failures that
 * look like test problems; {@code --disable-quic} keeps it on plain TCP to our loopback servers.
 *
 * <p>Every method throws unchecked exceptions so tests read as a script; {@link #close()} never throws, so it is safe
 * in try-with-resources and {@code @AfterEach}.
 */
public final class HeadlessChromium implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path DEBIAN_EXECUTABLE = Path.of("/usr/bin/chromium");
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

    private final Process process;
    private final Path log;
    private final WebSocket webSocket;
    private final AtomicLong nextId = new AtomicLong();
    private final Map<Long, CompletableFuture<JsonNode>> pendingReplies = new ConcurrentHashMap<>();
    private final List<String> pageErrors = new CopyOnWriteArrayList<>();
    private final Object sendLock = new Object();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile String disconnectReason;

    // ---------------------------------------------------------------- installation

    /**
     * The chromium executable, installing Debian's {@code chromium} package first if there is none.
     *
     * @throws IllegalStateException with a one-line reason if it is missing and cannot be installed within {@code timeout}
     */
    public static synchronized Path ensureInstalled(Duration timeout) {
        Optional<Path> installed = findChromium();
        if (installed.isPresent()) {
            return installed.get();
        }
        List<String> asRoot = rootPrefix();
        Path aptLog = Path.of(System.getProperty("java.io.tmpdir"), "holdfast-chromium-apt.log");
        Instant deadline = Instant.now().plus(timeout);
        System.out.println("installing Debian's chromium for the browser test (apt-get) ...");
        long started = System.nanoTime();
        runApt(asRoot, List.of("update"), aptLog, deadline);
        runApt(asRoot, List.of("install", "-y", "--no-install-recommends", "chromium"), aptLog, deadline);
        Path executable = findChromium().orElseThrow(() -> new IllegalStateException(
                "apt-get installed chromium but no chromium executable is on the PATH; see " + aptLog));
        System.out.printf("installed chromium in %d s (%s)%n",
                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started), executable);
        return executable;
    }

    private static Optional<Path> findChromium() {
        if (Files.isExecutable(DEBIAN_EXECUTABLE)) {
            return Optional.of(DEBIAN_EXECUTABLE);
        }
        return findOnPath("chromium");
    }

    private static Optional<Path> findOnPath(String name) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String directory : path.split(File.pathSeparator)) {
            if (!directory.isEmpty()) {
                Path candidate = Path.of(directory, name);
                if (Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    private static List<String> rootPrefix() {
        if (isRoot()) {
            return List.of();
        }
        if (findOnPath("sudo").isPresent()) {
            // -n: a password prompt would hang the build instead of failing it. sudo resets the environment,
            // so DEBIAN_FRONTEND is passed through env(1).
            return List.of("sudo", "-n", "env", "DEBIAN_FRONTEND=noninteractive");
        }
        throw new IllegalStateException("chromium is not installed and installing it needs root, but this user ("
                + System.getProperty("user.name") + ") is not root and there is no sudo; run: apt-get install chromium");
    }

    private static boolean isRoot() {
        try {
            // /proc/self belongs to the process's effective user; user.name can be "?" in containers without a
            // passwd entry.
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    private static void runApt(List<String> asRoot, List<String> arguments, Path aptLog, Instant deadline) {
        Duration remaining = Duration.between(Instant.now(), deadline);
        List<String> command = new ArrayList<>(asRoot);
        command.add("apt-get");
        // Wait for a concurrent apt (unattended-upgrades, another build) rather than failing on its lock at once.
        command.addAll(List.of("-o", "DPkg::Lock::Timeout=" + Math.max(1, remaining.toSeconds())));
        command.addAll(arguments);
        String commandLine = String.join(" ", command);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(aptLog.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().put("DEBIAN_FRONTEND", "noninteractive");
        Process apt;
        try {
            Files.writeString(aptLog, "---- " + commandLine + "\n", StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            apt = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start '" + commandLine + "' to install chromium: " + e.getMessage(), e);
        }
        try {
            if (!apt.waitFor(Math.max(0, remaining.toMillis()), TimeUnit.MILLISECONDS)) {
                destroyTree(apt);
                throw new IllegalStateException("'" + commandLine + "' did not finish within the " + remaining.toSeconds()
                        + " s left of the chromium install timeout; see " + aptLog);
            }
        } catch (InterruptedException e) {
            destroyTree(apt);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while installing chromium with '" + commandLine + "'; see " + aptLog, e);
        }
        if (apt.exitValue() != 0) {
            throw new IllegalStateException("'" + commandLine + "' failed with exit code " + apt.exitValue() + "; see " + aptLog);
        }
    }

    // ---------------------------------------------------------------- launch and connect

    /**
     * Starts a headless chromium on {@code about:blank} with its own profile in {@code userDataDir}, connected to its
     * page over CDP with the Page and Runtime domains enabled and a viewport of exactly {@code width} x {@code height}
     * CSS pixels (so screenshots have that size). The browser's output goes to {@link #log()}, a file next to
     * {@code userDataDir}.
     */
    public static HeadlessChromium launch(Path executable, Path userDataDir, int width, int height) {
        Path profile = userDataDir.toAbsolutePath();
        Path log = profile.resolveSibling(profile.getFileName() + "-chromium.log");
        Path portFile = profile.resolve("DevToolsActivePort");
        Process process;
        try {
            Files.createDirectories(profile);
            // A file left by an earlier run names a port nobody listens on any more.
            Files.deleteIfExists(portFile);
            process = new ProcessBuilder(
                    executable.toString(),
                    "--headless",
                    "--no-sandbox", // CI runs as root, where the sandbox refuses to start
                    "--disable-gpu",
                    "--disable-quic",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--disable-default-apps",
                    "--remote-debugging-address=127.0.0.1",
                    "--remote-debugging-port=0", // chromium picks a free port and writes it to DevToolsActivePort
                    "--user-data-dir=" + profile,
                    "--window-size=" + width + "," + height,
                    "about:blank")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + executable, e);
        }
        try {
            Instant deadline = Instant.now().plus(STARTUP_TIMEOUT);
            int port = awaitDevToolsPort(process, portFile, log, deadline);
            HttpClient http = HttpClient.newBuilder().connectTimeout(STARTUP_TIMEOUT).build();
            URI pageSocket = awaitPageTarget(http, port, process, log, deadline);
            HeadlessChromium browser = new HeadlessChromium(process, log, http, pageSocket);
            try {
                browser.call("Page.enable", null, CALL_TIMEOUT);
                browser.call("Runtime.enable", null, CALL_TIMEOUT);
                // Headless chromium subtracts room for browser UI it does not draw from --window-size (1024x640
                // gives a 1024x497 viewport), so the page would not get the size the test asked for.
                browser.call("Emulation.setDeviceMetricsOverride", JSON.createObjectNode()
                        .put("width", width).put("height", height)
                        .put("deviceScaleFactor", 1).put("mobile", false), CALL_TIMEOUT);
                return browser;
            } catch (RuntimeException e) {
                browser.close();
                throw e;
            }
        } catch (RuntimeException e) {
            destroyTree(process);
            throw e;
        }
    }

    private static int awaitDevToolsPort(Process process, Path portFile, Path log, Instant deadline) {
        while (true) {
            try {
                List<String> lines = Files.readAllLines(portFile, StandardCharsets.UTF_8);
                if (!lines.isEmpty() && !lines.get(0).isBlank()) {
                    return Integer.parseInt(lines.get(0).trim());
                }
            } catch (IOException | NumberFormatException e) {
                // Not written yet, or caught half-written: look again.
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("chromium exited with code " + process.exitValue()
                        + " before opening its DevTools port; " + logTail(log));
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("chromium did not write " + portFile + " within "
                        + STARTUP_TIMEOUT.toSeconds() + " s; " + logTail(log));
            }
            sleep(Duration.ofMillis(50));
        }
    }

    private static URI awaitPageTarget(HttpClient http, int port, Process process, Path log, Instant deadline) {
        HttpRequest listTargets = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                .timeout(STARTUP_TIMEOUT).GET().build();
        while (true) {
            try {
                HttpResponse<String> response = http.send(listTargets, HttpResponse.BodyHandlers.ofString());
                for (JsonNode target : JSON.readTree(response.body())) {
                    if ("page".equals(target.path("type").asText()) && target.hasNonNull("webSocketDebuggerUrl")) {
                        return URI.create(target.get("webSocketDebuggerUrl").asText());
                    }
                }
            } catch (IOException e) {
                // The port file can appear a moment before the HTTP endpoint answers.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for chromium's page target", e);
            }
            if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("chromium on port " + port + " offered no page target; " + logTail(log));
            }
            sleep(Duration.ofMillis(100));
        }
    }

    private HeadlessChromium(Process process, Path log, HttpClient http, URI pageSocket) {
        this.process = process;
        this.log = log;
        try {
            this.webSocket = http.newWebSocketBuilder()
                    .connectTimeout(STARTUP_TIMEOUT)
                    .buildAsync(pageSocket, new CdpListener())
                    .get(STARTUP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while connecting to " + pageSocket, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot connect to chromium's page at " + pageSocket + ": " + e, e);
        }
    }

    // ---------------------------------------------------------------- CDP plumbing

    /**
     * Sends one CDP command and returns its {@code result}.
     *
     * @param params the command's parameters, or {@code null} for none
     * @throws IllegalStateException if chromium answers with an error, does not answer within {@code timeout}, or the
     *         connection is gone
     */
    public JsonNode call(String method, ObjectNode params, Duration timeout) {
        if (closed.get()) {
            throw new IllegalStateException(method + " called after close()");
        }
        long id = nextId.incrementAndGet();
        ObjectNode request = JSON.createObjectNode().put("id", id).put("method", method);
        request.set("params", params == null ? JSON.createObjectNode() : params);
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        pendingReplies.put(id, reply);
        try {
            if (disconnectReason != null) {
                throw new IllegalStateException(disconnectReason);
            }
            // The JDK WebSocket allows only one send in flight; concurrent callers must take turns.
            synchronized (sendLock) {
                webSocket.sendText(JSON.writeValueAsString(request), true)
                        .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            }
            return reply.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException(method + " got no reply from chromium within " + timeout.toMillis() + " ms", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(method + " failed: " + e.getCause().getMessage(), e.getCause());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + method + " as JSON", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + method, e);
        } catch (IllegalStateException e) {
            throw new IllegalStateException(method + " failed: " + e.getMessage(), e);
        } finally {
            pendingReplies.remove(id);
        }
    }

    private final class CdpListener implements WebSocket.Listener {

        // Screenshots arrive as several megabytes of base64, delivered in many partial frames.
        private final StringBuilder message = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            message.append(data);
            if (last) {
                String complete = message.toString();
                message.setLength(0);
                dispatch(complete);
            }
            socket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket socket, int statusCode, String reason) {
            disconnect("chromium closed the DevTools connection (" + statusCode + " " + reason + ")");
            return null;
        }

        @Override
        public void onError(WebSocket socket, Throwable error) {
            disconnect("the DevTools connection failed: " + error);
        }
    }

    private void dispatch(String text) {
        JsonNode message;
        try {
            message = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            return; // CDP only sends JSON objects; anything else carries nothing we could act on
        }
        if (message.has("id")) {
            CompletableFuture<JsonNode> reply = pendingReplies.get(message.get("id").asLong());
            if (reply == null) {
                return; // its caller already gave up waiting
            }
            JsonNode error = message.get("error");
            if (error != null) {
                String data = error.path("data").asText("");
                reply.completeExceptionally(new IllegalStateException(
                        error.path("message").asText(error.toString()) + (data.isEmpty() ? "" : " (" + data + ")")));
            } else {
                reply.complete(message.path("result"));
            }
        } else {
            onEvent(message.path("method").asText(), message.path("params"));
        }
    }

    private void onEvent(String method, JsonNode params) {
        if ("Runtime.exceptionThrown".equals(method)) {
            pageErrors.add("uncaught exception: " + describeException(params.path("exceptionDetails")));
        } else if ("Runtime.consoleAPICalled".equals(method) && "error".equals(params.path("type").asText())) {
            String arguments = toList(params.path("args")).stream()
                    .map(argument -> argument.has("value") ? argument.get("value").asText(argument.get("value").toString())
                            : argument.path("description").asText(argument.path("type").asText()))
                    .collect(Collectors.joining(" "));
            pageErrors.add("console.error: " + arguments);
        }
    }

    private void disconnect(String reason) {
        disconnectReason = reason;
        pendingReplies.values().forEach(reply -> reply.completeExceptionally(new IllegalStateException(reason)));
    }

    // ---------------------------------------------------------------- conveniences

    /** Console errors and uncaught exceptions the page reported so far, oldest first. */
    public List<String> pageErrors() {
        return List.copyOf(pageErrors);
    }

    /** Where chromium's own stdout and stderr go. */
    public Path log() {
        return log;
    }

    /** Opens {@code url} and waits until its document has loaded, sub-resources included. */
    public void navigate(String url, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        JsonNode result = call("Page.navigate", JSON.createObjectNode().put("url", url), timeout);
        // Page.navigate answers once the new document is committed, or with errorText if it could not be.
        String errorText = result.path("errorText").asText("");
        if (!errorText.isEmpty()) {
            throw new IllegalStateException("cannot navigate to " + url + ": " + errorText);
        }
        if (!waitFor("document.readyState === 'complete'", Duration.between(Instant.now(), deadline), Duration.ofMillis(50))) {
            throw new IllegalStateException(url + " did not finish loading within " + timeout.toMillis() + " ms");
        }
    }

    /**
     * Evaluates a JavaScript expression in the page, awaiting it if it is a promise.
     *
     * @return its value as JSON; {@link NullNode} for {@code null}, {@link MissingNode} for {@code undefined}
     * @throws IllegalStateException with the JavaScript exception if it throws
     */
    public JsonNode eval(String expression) {
        return evaluate(expression, CALL_TIMEOUT);
    }

    private JsonNode evaluate(String expression, Duration timeout) {
        ObjectNode params = JSON.createObjectNode()
                .put("expression", expression)
                .put("returnByValue", true)
                .put("awaitPromise", true);
        JsonNode response = call("Runtime.evaluate", params, timeout);
        JsonNode exceptionDetails = response.get("exceptionDetails");
        if (exceptionDetails != null) {
            throw new IllegalStateException("JavaScript failed: " + describeException(exceptionDetails)
                    + "\n  in: " + expression);
        }
        JsonNode result = response.path("result");
        if ("undefined".equals(result.path("type").asText())) {
            return MissingNode.getInstance();
        }
        return result.has("value") ? result.get("value") : NullNode.getInstance();
    }

    /** The {@code textContent} of the first element matching {@code cssSelector}, or {@code null} if none does. */
    public String text(String cssSelector) {
        return textOrNull(eval("(() => { const element = document.querySelector(" + jsString(cssSelector) + ");"
                + " return element === null ? null : element.textContent; })()"));
    }

    /** An attribute of the first element matching {@code cssSelector}; {@code null} if there is no such element or attribute. */
    public String attribute(String cssSelector, String name) {
        return textOrNull(eval("(() => { const element = document.querySelector(" + jsString(cssSelector) + ");"
                + " return element === null ? null : element.getAttribute(" + jsString(name) + "); })()"));
    }

    /** Clicks the first element matching {@code cssSelector}, as {@code element.click()} does. */
    public void click(String cssSelector) {
        JsonNode clicked = eval("(() => { const element = document.querySelector(" + jsString(cssSelector) + ");"
                + " if (element === null) return false; element.click(); return true; })()");
        if (!clicked.asBoolean()) {
            throw new IllegalStateException("cannot click: no element matches " + cssSelector);
        }
    }

    /** Types {@code value} into the input matching {@code cssSelector}, firing the events a user's typing would. */
    public void setValue(String cssSelector, String value) {
        JsonNode set = eval("(() => { const element = document.querySelector(" + jsString(cssSelector) + ");"
                + " if (element === null) return false;"
                + " element.value = " + jsString(value) + ";"
                // Listeners react to these, not to the property assignment.
                + " element.dispatchEvent(new Event('input', { bubbles: true }));"
                + " element.dispatchEvent(new Event('change', { bubbles: true }));"
                + " return true; })()");
        if (!set.asBoolean()) {
            throw new IllegalStateException("cannot set value: no element matches " + cssSelector);
        }
    }

    /**
     * Evaluates {@code jsBooleanExpression} every {@code poll} until it is {@code true}.
     *
     * @return {@code false} if it did not become true within {@code timeout}; never throws
     */
    public boolean waitFor(String jsBooleanExpression, Duration timeout, Duration poll) {
        Instant deadline = Instant.now().plus(timeout);
        String expression = "!!(" + jsBooleanExpression + ")";
        while (true) {
            Duration remaining = Duration.between(Instant.now(), deadline);
            if (remaining.isNegative() || remaining.isZero()) {
                return false;
            }
            try {
                if (evaluate(expression, remaining).asBoolean()) {
                    return true;
                }
            } catch (IllegalStateException e) {
                // While a navigation replaces the document, its execution context is gone and evaluations fail;
                // that is "not yet", not an answer.
            }
            if (Thread.currentThread().isInterrupted()) {
                return false;
            }
            try {
                Thread.sleep(Math.max(1, Math.min(poll.toMillis(), remaining.toMillis())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    /** Saves the visible viewport as a PNG at {@code file}, creating its directory; returns {@code file}. */
    public Path screenshot(Path file) {
        ObjectNode params = JSON.createObjectNode().put("format", "png").put("captureBeyondViewport", false);
        byte[] png = Base64.getDecoder().decode(call("Page.captureScreenshot", params, CALL_TIMEOUT).path("data").asText());
        try {
            Path directory = file.toAbsolutePath().getParent();
            if (directory != null) {
                Files.createDirectories(directory);
            }
            return Files.write(file, png);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write screenshot " + file, e);
        }
    }

    /** Disconnects and stops chromium with all its helper processes. Never throws; calling it again does nothing. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            webSocket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // Chromium may already be gone; the process is stopped below either way.
        } finally {
            webSocket.abort();
        }
        destroyTree(process);
    }

    // ---------------------------------------------------------------- helpers

    /** SIGTERM so chromium shuts down its renderers itself, then SIGKILL for whatever is left, children included. */
    private static void destroyTree(Process process) {
        // Collected first: once the browser is gone its helpers are re-parented and no longer its descendants.
        List<ProcessHandle> descendants = process.descendants().collect(Collectors.toList());
        boolean interrupted = false;
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            interrupted = true;
            process.destroyForcibly();
        }
        descendants.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle handle : descendants) {
            try {
                handle.onExit().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                interrupted = true;
            } catch (ExecutionException | TimeoutException e) {
                // Nothing more to do for a process SIGKILL did not end.
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static String describeException(JsonNode exceptionDetails) {
        JsonNode exception = exceptionDetails.path("exception");
        if (exception.hasNonNull("description")) {
            return exception.get("description").asText();
        }
        if (exception.has("value")) {
            return exception.get("value").asText(exception.get("value").toString());
        }
        return exceptionDetails.path("text").asText("unknown JavaScript exception");
    }

    private static String jsString(String value) {
        try {
            // A JSON string literal is a valid JavaScript string literal, with every quote and backslash escaped.
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String textOrNull(JsonNode value) {
        return value.isNull() || value.isMissingNode() ? null : value.asText();
    }

    private static List<JsonNode> toList(JsonNode array) {
        List<JsonNode> elements = new ArrayList<>();
        array.forEach(elements::add);
        return elements;
    }

    private static String logTail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return "last lines of " + log + ":\n  "
                    + String.join("\n  ", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "see " + log;
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting chromium", e);
        }
    }
}
