package slackfake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
)

// maxFileSize bounds an uploaded file.
const maxFileSize = 32 << 20

// File is a file uploaded through the files.getUploadURLExternal flow.
type File struct {
	ID       string
	Name     string
	Title    string
	Size     int // declared with files.getUploadURLExternal
	Uploaded bool
	Shared   bool     // files.completeUploadExternal done
	Channels []string // where it was shared
	Message  string   // ts of the message that carries it
	URL      string   // url_private, fetchable with the bot token
}

type file struct {
	File
	data []byte
}

// Files lists the files, uploaded or announced, oldest first.
func (s *Server) Files() []File {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]File, 0, len(s.files))
	for _, f := range s.files {
		c := f.File
		c.Channels = append([]string(nil), f.Channels...)
		out = append(out, c)
	}
	// IDs grow with each upload: oldest first, like a conversation.
	slices.SortFunc(out, func(a, b File) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// FileBytes returns an uploaded file's content, nil when unknown.
func (s *Server) FileBytes(id string) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f, ok := s.files[id]; ok {
		return bytes.Clone(f.data)
	}
	return nil
}

type wireFile struct {
	ID                 string `json:"id"`
	Name               string `json:"name"`
	Title              string `json:"title"`
	Mimetype           string `json:"mimetype"`
	Size               int    `json:"size"`
	URLPrivate         string `json:"url_private"`
	URLPrivateDownload string `json:"url_private_download"`
}

func (s *Server) wireFile(f *file) wireFile {
	mt := mime.TypeByExtension(path.Ext(f.Name))
	if mt == "" {
		mt = "application/octet-stream"
	}
	return wireFile{ID: f.ID, Name: f.Name, Title: f.Title, Mimetype: mt, Size: len(f.data),
		URLPrivate: f.URL, URLPrivateDownload: f.URL}
}

func (s *Server) filesGetUploadURLExternal(r *apiRequest) (map[string]any, *apiError) {
	name := r.params.Get("filename")
	size, err := strconv.Atoi(r.params.Get("length"))
	if name == "" || err != nil || size <= 0 {
		return nil, fail("invalid_arguments")
	}
	if size > maxFileSize {
		return nil, fail("file_too_large")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.newIDLocked("F")
	f := &file{File: File{ID: id, Name: name, Title: name, Size: size,
		URL: s.base + "files/" + id + "/" + url.PathEscape(name)}}
	s.files[id] = f
	return map[string]any{"upload_url": s.base + "upload/" + id, "file_id": id}, nil
}

// serveUpload receives the file bytes, as a multipart "file" field or a raw body.
func (s *Server) serveUpload(w http.ResponseWriter, r *http.Request) {
	start := s.opts.WallNow()
	id := r.PathValue("id")
	r.Body = http.MaxBytesReader(w, r.Body, maxFileSize+1<<20)
	data, err := readUpload(r)
	status, errCode := http.StatusOK, ""
	s.mu.Lock()
	f, ok := s.files[id]
	switch {
	case !ok:
		status, errCode = http.StatusNotFound, "file_not_found"
	case err != nil:
		status, errCode = http.StatusBadRequest, "upload_failed"
	default:
		f.data, f.Uploaded = data, true
	}
	s.mu.Unlock()
	s.record(Call{Method: "upload", Args: url.Values{"file_id": {id}}, OK: errCode == "", Error: errCode,
		Status: status, Latency: s.opts.WallNow().Sub(start)})
	w.Header().Set("Content-Type", "text/plain")
	w.WriteHeader(status)
	if errCode != "" {
		_, _ = io.WriteString(w, errCode)
		return
	}
	_, _ = fmt.Fprintf(w, "OK - %d", len(data))
}

func readUpload(r *http.Request) ([]byte, error) {
	ct, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if !strings.HasPrefix(ct, "multipart/") {
		return io.ReadAll(r.Body)
	}
	mr := multipart.NewReader(r.Body, params["boundary"])
	for {
		part, err := mr.NextPart()
		if err != nil {
			return nil, fmt.Errorf("read upload: no file part: %w", err)
		}
		if part.FormName() == "file" {
			return io.ReadAll(part)
		}
	}
}

func (s *Server) filesCompleteUploadExternal(r *apiRequest) (map[string]any, *apiError) {
	var summaries []struct {
		ID    string `json:"id"`
		Title string `json:"title"`
	}
	if err := json.Unmarshal([]byte(r.params.Get("files")), &summaries); err != nil || len(summaries) == 0 {
		return nil, fail("invalid_arguments")
	}
	ct, e := s.parseContent(r.method, url.Values{"text": {r.params.Get("initial_comment")},
		"blocks": {r.params.Get("blocks")}}, false)
	if e != nil {
		return nil, e
	}
	channels := []string{}
	if c := r.params.Get("channel_id"); c != "" {
		channels = append(channels, c)
	}
	if cs := r.params.Get("channels"); cs != "" {
		channels = append(channels, strings.Split(cs, ",")...)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := make([]string, 0, len(summaries))
	out := make([]map[string]any, 0, len(summaries))
	for _, sum := range summaries {
		f, ok := s.files[sum.ID]
		if !ok || !f.Uploaded {
			return nil, fail("file_not_found")
		}
		if sum.Title != "" {
			f.Title = sum.Title
		}
		ids = append(ids, f.ID)
		out = append(out, map[string]any{"id": f.ID, "title": f.Title})
	}
	for _, ch := range channels {
		c, e := s.postableLocked(r.team, ch)
		if e != nil {
			return nil, e
		}
		m := &Message{Conversation: c.id, TS: s.newTSLocked(), ThreadTS: r.params.Get("thread_ts"),
			User: r.team.BotUserID, BotID: r.team.BotID, Text: ct.Text, Blocks: ct.Blocks, Files: ids, acts: ct.acts}
		c.appendLocked(m)
		r.changed = append(r.changed, c.id)
		for _, id := range ids {
			f := s.files[id]
			f.Shared = true
			f.Channels = append(f.Channels, c.id)
			f.Message = m.TS
		}
	}
	if len(channels) == 0 {
		for _, id := range ids {
			s.files[id].Shared = true
		}
	}
	return map[string]any{"files": out}, nil
}

// filesDelete deletes a file: it is gone from Files, its download and the messages that shared it (which stay,
// like Slack's, for whoever posted them to delete). The bot's token may delete only the files the bot uploaded,
// which in the fake are all of them.
func (s *Server) filesDelete(r *apiRequest) (map[string]any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, ok := s.files[r.params.Get("file")]
	if !ok {
		return nil, fail("file_not_found")
	}
	delete(s.files, f.ID)
	for _, ch := range f.Channels {
		c, ok := s.convs[ch]
		if !ok {
			continue
		}
		for _, m := range c.msgs {
			if i := slices.Index(m.Files, f.ID); i >= 0 {
				m.Files = slices.Delete(m.Files, i, i+1)
				r.changed = append(r.changed, c.id)
			}
		}
	}
	return map[string]any{}, nil
}

// serveFile serves url_private downloads to the bot token.
func (s *Server) serveFile(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	if s.teamByTokenLocked(strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")) == nil {
		s.mu.Unlock()
		http.Error(w, "not authed", http.StatusForbidden)
		return
	}
	f, ok := s.files[r.PathValue("id")]
	var data []byte
	var name string
	if ok {
		data, name = f.data, f.Name
	}
	s.mu.Unlock()
	if !ok || data == nil {
		http.NotFound(w, r)
		return
	}
	if mt := mime.TypeByExtension(path.Ext(name)); mt != "" {
		w.Header().Set("Content-Type", mt)
	}
	_, _ = w.Write(data)
}
