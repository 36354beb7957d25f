package dev.hardlight.netty.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.stream.ChunkedNioFile;
import io.netty.handler.stream.ChunkedWriteHandler;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers one HTTP request for a path other than the HardLight endpoint from a {@link StaticFiles}
 * directory: GET and HEAD only (405 with {@code Allow} otherwise), a file streamed in
 * {@value #CHUNK_SIZE}-byte chunks as the connection can take them (never read whole into memory),
 * {@code ETag} and {@code Last-Modified} with 304 for a browser's conditional request, and the
 * connection closed after the answer, as for every HTTP answer before an upgrade.
 *
 * <p>Stateless and thread-safe; {@link #serve} runs on the channel's event loop, where it resolves
 * the path and opens the file (blocking file-system calls: this is a convenience for development
 * and small deployments, not a web server).
 */
final class StaticFileHandler {
    private static final Logger log = LoggerFactory.getLogger(StaticFileHandler.class);

    /** Bytes read from the file and written per chunk. */
    static final int CHUNK_SIZE = 16 * 1024;
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME;

    private StaticFileHandler() {}

    /** Answers {@code req} (not retained: everything is read from it before this returns) and closes. */
    static void serve(ChannelHandlerContext ctx, FullHttpRequest req, StaticFiles files, String logPrefix) {
        HttpMethod method = req.method();
        if (!HttpMethod.GET.equals(method) && !HttpMethod.HEAD.equals(method)) {
            FullHttpResponse res = text(HttpResponseStatus.METHOD_NOT_ALLOWED, method + " is not allowed: static files answer GET and HEAD");
            res.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
            close(ctx, res);
            return;
        }
        String uri = req.uri();
        int end = uri.length();
        for (int i = 0; i < uri.length(); i++) {
            char c = uri.charAt(i);
            if (c == '?' || c == '#') {
                end = i;
                break;
            }
        }
        StaticFiles.Lookup lookup = files.resolve(uri.substring(0, end));
        log.debug("{}{} {}: {}", logPrefix, method, uri.length() > 200 ? uri.substring(0, 200) + "..." : uri, lookup);
        switch (lookup) {
            case StaticFiles.Refused r -> close(ctx, text(HttpResponseStatus.valueOf(r.status()), r.reason()));
            case StaticFiles.NotFound n -> close(ctx, text(HttpResponseStatus.NOT_FOUND, "not found"));
            case StaticFiles.Redirect r -> {
                FullHttpResponse res = text(HttpResponseStatus.MOVED_PERMANENTLY, "moved to " + r.location());
                res.headers().set(HttpHeaderNames.LOCATION, r.location());
                close(ctx, res);
            }
            case StaticFiles.Found f -> file(ctx, req, f, HttpMethod.HEAD.equals(method), logPrefix);
        }
    }

    private static void file(ChannelHandlerContext ctx, FullHttpRequest req, StaticFiles.Found found, boolean head, String logPrefix) {
        FileChannel channel;
        long length;
        Instant modified;
        try {
            channel = FileChannel.open(found.file(), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | SecurityException e) {
            log.debug("{}cannot open {}: {}", logPrefix, found.file(), e.toString());
            close(ctx, text(HttpResponseStatus.NOT_FOUND, "not found"));
            return;
        }
        try {
            length = channel.size();
            modified = Files.readAttributes(found.file(), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                    .lastModifiedTime().toInstant().truncatedTo(ChronoUnit.SECONDS);
        } catch (IOException e) {
            closeQuietly(channel);
            log.debug("{}cannot read {}: {}", logPrefix, found.file(), e.toString());
            close(ctx, text(HttpResponseStatus.NOT_FOUND, "not found"));
            return;
        }
        String etag = "\"" + Long.toHexString(length) + "-" + Long.toHexString(modified.getEpochSecond()) + "\"";
        String lastModified = HTTP_DATE.format(ZonedDateTime.ofInstant(modified, ZoneOffset.UTC));
        if (notModified(req.headers(), etag, modified)) {
            closeQuietly(channel);
            FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_MODIFIED, Unpooled.EMPTY_BUFFER);
            common(res.headers()).set(HttpHeaderNames.ETAG, etag).set(HttpHeaderNames.LAST_MODIFIED, lastModified);
            close(ctx, res);
            return;
        }
        HttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        common(res.headers())
                .set(HttpHeaderNames.CONTENT_TYPE, StaticFiles.contentType(found.file()))
                .set(HttpHeaderNames.CONTENT_LENGTH, length)
                .set(HttpHeaderNames.ETAG, etag)
                .set(HttpHeaderNames.LAST_MODIFIED, lastModified);
        if (head) {
            closeQuietly(channel);
            ctx.write(res);
            ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        if (ctx.pipeline().get(ChunkedWriteHandler.class) == null) {
            // Writes from this context pass the handlers before it: the chunk writer must sit there.
            ctx.pipeline().addBefore(ctx.name(), Pipelines.STATIC_CHUNKS, new ChunkedWriteHandler());
        }
        HttpChunkedInput body;
        try {
            body = new HttpChunkedInput(new ChunkedNioFile(channel, 0, length, CHUNK_SIZE));
        } catch (IOException e) {
            closeQuietly(channel);
            close(ctx, text(HttpResponseStatus.NOT_FOUND, "not found"));
            return;
        }
        ctx.write(res);
        // The chunk writer reads the next chunk only when the channel is writable, and closes the file
        // when the body is written or the connection fails.
        ctx.writeAndFlush(body).addListener(ChannelFutureListener.CLOSE);
    }

    /** Whether the browser's copy is current: If-None-Match decides when present, else If-Modified-Since. */
    static boolean notModified(HttpHeaders headers, String etag, Instant modified) {
        String match = headers.get(HttpHeaderNames.IF_NONE_MATCH);
        if (match != null) {
            for (String tag : match.split(",")) {
                String t = tag.trim();
                if (t.startsWith("W/")) {
                    t = t.substring(2);
                }
                if (t.equals("*") || t.equals(etag)) {
                    return true;
                }
            }
            return false;
        }
        String since = headers.get(HttpHeaderNames.IF_MODIFIED_SINCE);
        if (since == null) {
            return false;
        }
        try {
            return !modified.isAfter(ZonedDateTime.parse(since.trim(), HTTP_DATE).toInstant());
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    private static HttpHeaders common(HttpHeaders headers) {
        return headers.set(HttpHeaderNames.CACHE_CONTROL, "no-cache")
                .set("X-Content-Type-Options", "nosniff")
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }

    private static FullHttpResponse text(HttpResponseStatus status, String reason) {
        ByteBuf body = ByteBufUtil.writeUtf8(UnpooledByteBufAllocator.DEFAULT, reason + "\n");
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        common(res.headers())
                .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        return res;
    }

    private static void close(ChannelHandlerContext ctx, FullHttpResponse res) {
        ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // Read-only: nothing was written that closing could lose.
        }
    }
}
